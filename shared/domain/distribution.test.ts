import { describe, expect, it } from 'vitest';
import {
  departmentalDistributionProblems,
  regionalDistributionProblems,
  regionsWithSamples,
} from './distribution';

const line = (sampleCount: number, regions: [string, number][]) => ({
  label: 'Pommes — Surveillance',
  sampleCount,
  regions: regions.map(([regionCode, count]) => ({ regionCode, sampleCount: count })),
});

describe('regional distribution', () => {
  it('never lets the regions exceed the national count, even while editing', () => {
    expect(
      regionalDistributionProblems(
        [
          line(10, [
            ['84', 6],
            ['11', 5],
          ]),
        ],
        'editing',
      ),
    ).toEqual([
      '« Pommes — Surveillance » : 11 prélèvements répartis entre les régions pour 10 programmés au niveau national.',
    ]);
    expect(
      regionalDistributionProblems(
        [
          line(10, [
            ['84', 6],
            ['11', 4],
          ]),
        ],
        'editing',
      ),
    ).toEqual([]);
  });

  it('lets an incomplete split be saved, but not sent', () => {
    const incomplete = [line(10, [['84', 6]])];
    expect(regionalDistributionProblems(incomplete, 'editing')).toEqual([]);
    expect(regionalDistributionProblems(incomplete, 'complete')).toEqual([
      '« Pommes — Surveillance » : 4 prélèvements restent à répartir entre les régions.',
    ]);
    expect(regionalDistributionProblems([line(1, [])], 'complete')).toEqual([
      '« Pommes — Surveillance » : 1 prélèvement reste à répartir entre les régions.',
    ]);
    expect(
      regionalDistributionProblems(
        [
          line(10, [
            ['84', 6],
            ['11', 4],
          ]),
        ],
        'complete',
      ),
    ).toEqual([]);
  });

  it('needs at least one prescription to be sent', () => {
    expect(regionalDistributionProblems([], 'complete')).toHaveLength(1);
    expect(regionalDistributionProblems([], 'editing')).toEqual([]);
  });

  it('names the regions that have samples', () => {
    expect(
      regionsWithSamples(
        [
          line(10, [
            ['84', 6],
            ['11', 0],
          ]),
          line(3, [
            ['53', 3],
            ['84', 0],
          ]),
        ].flatMap((l) => l.regions),
      ),
    ).toEqual(['53', '84']);
  });
});

describe('departmental distribution', () => {
  const dep = (regionalCount: number, departments: [string, number][]) => ({
    label: 'Pommes — Surveillance',
    regionalCount,
    departments: departments.map(([departmentCode, sampleCount]) => ({
      departmentCode,
      sampleCount,
    })),
  });

  it('keeps departments within their region', () => {
    expect(
      departmentalDistributionProblems(
        '84',
        [
          dep(5, [
            ['69', 2],
            ['75', 1],
          ]),
        ],
        'editing',
      ),
    ).toEqual(['« Pommes — Surveillance » : le département 75 n’appartient pas à la région.']);
  });

  it('never exceeds the regional count; must equal it when complete', () => {
    expect(
      departmentalDistributionProblems(
        '84',
        [
          dep(5, [
            ['69', 4],
            ['01', 2],
          ]),
        ],
        'editing',
      ),
    ).toHaveLength(1);
    expect(departmentalDistributionProblems('84', [dep(5, [['69', 4]])], 'editing')).toEqual([]);
    expect(departmentalDistributionProblems('84', [dep(5, [['69', 4]])], 'complete')).toEqual([
      '« Pommes — Surveillance » : 1 prélèvement reste à répartir entre les départements.',
    ]);
    expect(
      departmentalDistributionProblems(
        '84',
        [
          dep(5, [
            ['69', 4],
            ['01', 1],
          ]),
        ],
        'complete',
      ),
    ).toEqual([]);
  });

  it('in a regional plan, checks only the lines a region started to split', () => {
    expect(departmentalDistributionProblems('84', [dep(5, [])], 'ifStarted')).toEqual([]);
    expect(departmentalDistributionProblems('84', [dep(5, [['69', 0]])], 'ifStarted')).toEqual([]);
    expect(departmentalDistributionProblems('84', [dep(5, [['69', 3]])], 'ifStarted')).toHaveLength(
      1,
    );
  });

  it('accepts overseas and Corsican departments in their regions', () => {
    expect(
      departmentalDistributionProblems(
        '94',
        [
          dep(2, [
            ['2A', 1],
            ['2B', 1],
          ]),
        ],
        'complete',
      ),
    ).toEqual([]);
    expect(departmentalDistributionProblems('04', [dep(2, [['974', 2]])], 'complete')).toEqual([]);
  });
});
