import { describe, expect, it } from 'vitest';
import {
  AnalysisMethod,
  AnalysisMethodLabels,
  CultureKind,
  CultureKindLabels,
  DEFAULT_MRL,
  DEFAULT_MRL_SOURCE,
  DepartmentCode,
  DepartmentCodeList,
  DepartmentList,
  Departments,
  departmentsOfRegion,
  findMrl,
  LaboratorySeedList,
  LegalContext,
  LegalContextLabels,
  Matrices,
  MatrixKindList,
  MatrixKinds,
  MatrixList,
  MrlList,
  matricesOfKind,
  OutOfProgrammeContextList,
  PartSampled,
  PartSampledLabels,
  ProgrammeContextList,
  QuantityUnit,
  QuantityUnitLabels,
  RegionCode,
  RegionCodeList,
  RegionList,
  Regions,
  regionOfDepartment,
  SampleContext,
  SampleContextLabels,
  Stage,
  StageLabels,
  SubstanceList,
  Substances,
} from './index';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SSD2_CODE = /^RF-(\d{4}-\d{3}-PPP|\d{8}-(PAR|CHE))$/;
const FOODEX2_CODE = /^A[0-9A-Z]{4}$/;

const duplicates = (values: string[]) => values.filter((value, i) => values.indexOf(value) !== i);

describe('geography', () => {
  it('has the 18 regions, 5 of them overseas, sorted by name', () => {
    expect(RegionList).toHaveLength(18);
    expect(RegionList.filter((region) => region.overseas).map((region) => region.code)).toEqual(
      expect.arrayContaining(['01', '02', '03', '04', '06']),
    );
    expect(RegionList.filter((region) => region.overseas)).toHaveLength(5);
    const names = RegionList.map((region) => region.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'fr')));
    expect(RegionList.map((region) => region.code).sort()).toEqual([...RegionCodeList].sort());
  });

  it('gives every region a unique three-letter short code', () => {
    const shortCodes = RegionList.map((region) => region.shortCode);
    for (const shortCode of shortCodes) {
      expect(shortCode).toMatch(/^[A-Z]{3}$/);
    }
    expect(duplicates(shortCodes)).toEqual([]);
    expect(Regions['84']?.shortCode).toBe('ARA');
    expect(Regions['94']?.shortCode).toBe('COR');
    expect(Regions['06']?.shortCode).toBe('MAY');
  });

  it('has the 101 departments, sorted by code, each in an existing region', () => {
    expect(DepartmentList).toHaveLength(101);
    expect(DepartmentList.map((department) => department.code)).toEqual([...DepartmentCodeList]);
    for (const department of DepartmentList) {
      expect(Regions[department.regionCode], department.code).toBeDefined();
      expect(department.name.length).toBeGreaterThan(0);
    }
    expect(Departments['975']).toBeUndefined();
    expect(DepartmentCode.safeParse('975').success).toBe(false);
    expect(DepartmentCode.safeParse('2A').success).toBe(true);
    expect(RegionCode.safeParse('01').success).toBe(true);
    expect(Departments['2A']?.regionCode).toBe('94');
    expect(Departments['976']?.name).toBe('Mayotte');
  });

  it('finds the departments of a region and the region of a department', () => {
    expect(departmentsOfRegion('94').map((department) => department.code)).toEqual(['2A', '2B']);
    expect(departmentsOfRegion('84')).toHaveLength(12);
    expect(departmentsOfRegion('unknown')).toEqual([]);
    const total = RegionList.reduce(
      (sum, region) => sum + departmentsOfRegion(region.code).length,
      0,
    );
    expect(total).toBe(101);
    expect(regionOfDepartment('26')?.shortCode).toBe('ARA');
    expect(regionOfDepartment('00')).toBeUndefined();
  });
});

describe('enums', () => {
  const enums: [string, { options: readonly string[] }, Record<string, string>][] = [
    ['Stage', Stage, StageLabels],
    ['SampleContext', SampleContext, SampleContextLabels],
    ['LegalContext', LegalContext, LegalContextLabels],
    ['PartSampled', PartSampled, PartSampledLabels],
    ['CultureKind', CultureKind, CultureKindLabels],
    ['AnalysisMethod', AnalysisMethod, AnalysisMethodLabels],
    ['QuantityUnit', QuantityUnit, QuantityUnitLabels],
  ];

  it.each(enums)('%s has a non-empty label for each value and no other', (_, schema, labels) => {
    expect(Object.keys(labels).sort()).toEqual([...schema.options].sort());
    for (const value of schema.options) {
      expect(labels[value]?.trim().length, value).toBeGreaterThan(0);
    }
  });

  it('splits sample contexts between programme and out of programme', () => {
    expect([...ProgrammeContextList, ...OutOfProgrammeContextList]).toEqual(SampleContext.options);
    expect(ProgrammeContextList).toEqual(['Surveillance', 'Control', 'Exploratory']);
    expect(SampleContextLabels.Investigation).toBe('Enquête');
    expect(LegalContextLabels.B).toBe('Police judiciaire');
    expect(QuantityUnitLabels.UNIT).toBe('pièce');
  });
});

describe('matrices', () => {
  it('has at least 12 kinds and 60 matrices with unique FoodEx2-style codes', () => {
    expect(MatrixKindList.length).toBeGreaterThanOrEqual(12);
    expect(MatrixList.length).toBeGreaterThanOrEqual(60);
    const kindCodes = MatrixKindList.map((kind) => kind.code);
    const matrixCodes = MatrixList.map((matrix) => matrix.code);
    expect(duplicates(kindCodes)).toEqual([]);
    expect(duplicates(matrixCodes)).toEqual([]);
    for (const code of [...kindCodes, ...matrixCodes]) {
      expect(code).toMatch(FOODEX2_CODE);
    }
    expect(duplicates([...kindCodes, ...matrixCodes])).toEqual([]);
  });

  it('puts every matrix in an existing kind and every kind has matrices', () => {
    for (const matrix of MatrixList) {
      expect(MatrixKinds[matrix.kindCode], matrix.code).toBeDefined();
      expect(matrix.label.trim().length).toBeGreaterThan(0);
    }
    for (const kind of MatrixKindList) {
      expect(matricesOfKind(kind.code).length, kind.code).toBeGreaterThan(0);
    }
    expect(Matrices.A01DJ?.kindCode).toBe('A01DH');
  });
});

describe('substances', () => {
  it('has at least 200 substances with unique SSD2 codes', () => {
    expect(SubstanceList.length).toBeGreaterThanOrEqual(200);
    const codes = SubstanceList.map((substance) => substance.code);
    expect(duplicates(codes)).toEqual([]);
    for (const substance of SubstanceList) {
      expect(substance.code).toMatch(SSD2_CODE);
      expect(substance.label.trim().length).toBeGreaterThan(0);
      expect(AnalysisMethod.options).toContain(substance.method);
    }
    expect(Object.keys(Substances)).toHaveLength(SubstanceList.length);
  });

  it('needs a single-residue method for polar residues', () => {
    for (const code of [
      'RF-1020-001-PPP',
      'RF-00005727-PAR',
      'RF-0160-001-PPP',
      'RF-0151-001-PPP',
    ]) {
      expect(Substances[code]?.method, code).toBe('Mono');
    }
    expect(Substances['RF-0049-001-PPP']?.method).toBe('Multi');
    expect(SubstanceList.some((substance) => substance.method === 'Multi')).toBe(true);
  });
});

describe('maximum residue limits', () => {
  it('has at least 150 MRLs on shipped substances and matrices', () => {
    expect(MrlList.length).toBeGreaterThanOrEqual(150);
    for (const mrl of MrlList) {
      expect(Substances[mrl.substanceCode], mrl.substanceCode).toBeDefined();
      expect(Matrices[mrl.matrixCode], mrl.matrixCode).toBeDefined();
      expect(mrl.value).toBeGreaterThan(0);
      expect(mrl.source.trim().length).toBeGreaterThan(0);
    }
  });

  it('has a single MRL per substance and matrix', () => {
    const keys = MrlList.map((mrl) => `${mrl.substanceCode}|${mrl.matrixCode}`);
    expect(duplicates(keys)).toEqual([]);
  });

  it('finds a listed MRL', () => {
    const mrl = MrlList[0]!;
    expect(findMrl(mrl.substanceCode, mrl.matrixCode)).toEqual({
      value: mrl.value,
      source: mrl.source,
      isDefault: false,
    });
    expect(findMrl('RF-0267-001-PPP', 'A00ZX').value).toBe(60);
  });

  it('falls back to the default MRL', () => {
    expect(DEFAULT_MRL).toBe(0.01);
    expect(findMrl('RF-0049-001-PPP', 'A010V')).toEqual({
      value: 0.01,
      source: 'LMR par défaut (art. 18 du règlement (CE) 396/2005)',
      isDefault: true,
    });
    expect(findMrl('unknown', 'unknown').source).toBe(DEFAULT_MRL_SOURCE);
  });
});

describe('laboratories', () => {
  it('has at least 8 laboratories with a valid region, a method and placeholder e-mails', () => {
    expect(LaboratorySeedList.length).toBeGreaterThanOrEqual(8);
    expect(duplicates(LaboratorySeedList.map((lab) => lab.id))).toEqual([]);
    expect(duplicates(LaboratorySeedList.map((lab) => lab.shortName))).toEqual([]);
    for (const lab of LaboratorySeedList) {
      expect(lab.id).toMatch(UUID_V4);
      expect(Regions[lab.regionCode], lab.shortName).toBeDefined();
      expect(lab.methods.length, lab.shortName).toBeGreaterThan(0);
      for (const method of lab.methods) {
        expect(AnalysisMethod.options).toContain(method);
      }
      expect(lab.postalCode).toMatch(/^\d{5}$/);
      expect(lab.emails.length).toBeGreaterThan(0);
      for (const email of lab.emails) {
        expect(email).toMatch(/^[a-z0-9.]+@maestro\.example\.gouv\.fr$/);
      }
    }
  });
});
