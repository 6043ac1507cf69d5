import departmentsJson from '@etalab/decoupage-administratif/data/departements.json' with {
  type: 'json',
};
import regionsJson from '@etalab/decoupage-administratif/data/regions.json' with { type: 'json' };
import { z } from 'zod';

/**
 * French administrative geography (INSEE codes), built from the data shipped by
 * `@etalab/decoupage-administratif`. Only the 18 regions and their 101 departments are
 * kept: overseas collectivities (975, 977, 978, 984, 986, 987, 988, 989) are out of scope.
 */

export interface Region {
  code: string;
  name: string;
  /** Three-letter code used in sample references, e.g. `ARA-26-00042`. */
  shortCode: string;
  overseas: boolean;
}

export interface Department {
  code: string;
  name: string;
  regionCode: string;
}

/**
 * INSEE codes of the regions, in code order. Kept as a list because zod enum options
 * follow object key order, which puts integer-like codes ("11") before "01".
 */
export const RegionCodeList = [
  '01',
  '02',
  '03',
  '04',
  '06',
  '11',
  '24',
  '27',
  '28',
  '32',
  '44',
  '52',
  '53',
  '75',
  '76',
  '84',
  '93',
  '94',
] as const;
export const RegionCode = z.enum(RegionCodeList);
export type RegionCode = z.infer<typeof RegionCode>;

/** INSEE codes of the departments, in code order (Corsica 2A and 2B between 19 and 21). */
export const DepartmentCodeList = [
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '07',
  '08',
  '09',
  '10',
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  '18',
  '19',
  '2A',
  '2B',
  '21',
  '22',
  '23',
  '24',
  '25',
  '26',
  '27',
  '28',
  '29',
  '30',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '38',
  '39',
  '40',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '47',
  '48',
  '49',
  '50',
  '51',
  '52',
  '53',
  '54',
  '55',
  '56',
  '57',
  '58',
  '59',
  '60',
  '61',
  '62',
  '63',
  '64',
  '65',
  '66',
  '67',
  '68',
  '69',
  '70',
  '71',
  '72',
  '73',
  '74',
  '75',
  '76',
  '77',
  '78',
  '79',
  '80',
  '81',
  '82',
  '83',
  '84',
  '85',
  '86',
  '87',
  '88',
  '89',
  '90',
  '91',
  '92',
  '93',
  '94',
  '95',
  '971',
  '972',
  '973',
  '974',
  '976',
] as const;
export const DepartmentCode = z.enum(DepartmentCodeList);
export type DepartmentCode = z.infer<typeof DepartmentCode>;

/** Short codes of the regions, as used in sample references. */
export const RegionShortCodes: Record<RegionCode, string> = {
  '01': 'GUA',
  '02': 'MTQ',
  '03': 'GUY',
  '04': 'REU',
  '06': 'MAY',
  '11': 'IDF',
  '24': 'CVL',
  '27': 'BFC',
  '28': 'NOR',
  '32': 'HDF',
  '44': 'GES',
  '52': 'PDL',
  '53': 'BRE',
  '75': 'NAQ',
  '76': 'OCC',
  '84': 'ARA',
  '93': 'PAC',
  '94': 'COR',
};

interface RawRegion {
  code: string;
  nom: string;
  zone: string;
}

interface RawDepartment {
  code: string;
  nom: string;
  region: string;
  zone: string;
}

const isRegionCode = (code: string): code is RegionCode => RegionCode.safeParse(code).success;

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'fr');

/** The 18 regions (13 in metropolitan France, 5 overseas), sorted by name. */
export const RegionList: Region[] = (regionsJson as RawRegion[])
  .filter((raw) => isRegionCode(raw.code))
  .map((raw) => ({
    code: raw.code,
    name: raw.nom,
    shortCode: RegionShortCodes[raw.code as RegionCode],
    overseas: raw.zone !== 'metro',
  }))
  .sort(byName);

const departmentSortKey = (code: string) => (code === '2A' ? '20A' : code === '2B' ? '20B' : code);

/** The 101 departments (96 in metropolitan France, 971–974 and 976 overseas), sorted by code. */
export const DepartmentList: Department[] = (departmentsJson as RawDepartment[])
  .filter((raw) => isRegionCode(raw.region) && DepartmentCode.safeParse(raw.code).success)
  .map((raw) => ({ code: raw.code, name: raw.nom, regionCode: raw.region }))
  .sort((a, b) => {
    const keyA = departmentSortKey(a.code);
    const keyB = departmentSortKey(b.code);
    return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
  });

export const Regions: Record<string, Region> = Object.fromEntries(
  RegionList.map((region) => [region.code, region]),
);

export const Departments: Record<string, Department> = Object.fromEntries(
  DepartmentList.map((department) => [department.code, department]),
);

/** Departments of a region, sorted by code (empty for an unknown region). */
export const departmentsOfRegion = (regionCode: string): Department[] =>
  DepartmentList.filter((department) => department.regionCode === regionCode);

/** Region of a department, if the department exists. */
export const regionOfDepartment = (departmentCode: string): Region | undefined => {
  const department = Departments[departmentCode];
  return department ? Regions[department.regionCode] : undefined;
};
