import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { checkZipSize } from './zipGuard';
import { zipArchive } from './zipTestData';

describe('checkZipSize', () => {
  it('lets a real workbook through and counts what it unzips to', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Résultats');
    for (let row = 0; row < 200; row += 1) sheet.addRow([`2026-69-${row}`, 1, 1, 'ND']);
    const content = Buffer.from(await workbook.xlsx.writeBuffer());
    const check = checkZipSize(content);
    expect(check.ok).toBe(true);
    expect(check.ok && check.unzippedBytes).toBeGreaterThan(content.length);
  });

  it('stops a small archive that unzips beyond the budget (zip bomb)', () => {
    const bomb = zipArchive([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(4_000_000) }]);
    expect(bomb.length).toBeLessThan(10_000);
    expect(checkZipSize(bomb, 1_000_000)).toEqual({ ok: false, reason: 'tooLarge' });
    expect(checkZipSize(bomb, 5_000_000)).toEqual({ ok: true, unzippedBytes: 4_000_000 });
  });

  it('does not believe the sizes an archive announces', () => {
    const lying = zipArchive([{ name: 'a.xml', data: Buffer.alloc(3_000_000), announcedSize: 10 }]);
    expect(checkZipSize(lying, 1_000_000)).toEqual({ ok: false, reason: 'tooLarge' });
  });

  it('adds the parts up, stored and deflated', () => {
    const parts = Array.from({ length: 8 }, (_, index) => ({
      name: `part${index}.xml`,
      data: Buffer.alloc(200_000, index),
      stored: index % 2 === 0,
    }));
    expect(checkZipSize(zipArchive(parts), 1_000_000)).toEqual({ ok: false, reason: 'tooLarge' });
    expect(checkZipSize(zipArchive(parts), 2_000_000)).toEqual({
      ok: true,
      unzippedBytes: 1_600_000,
    });
  });

  it('calls a damaged archive malformed', () => {
    const good = zipArchive([{ name: 'a.xml', data: Buffer.from('<a/>') }]);
    expect(checkZipSize(good.subarray(0, good.length - 30))).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(checkZipSize(Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(40)]))).toEqual({
      ok: false,
      reason: 'malformed',
    });
    const corrupt = zipArchive([{ name: 'a.xml', data: Buffer.alloc(1000, 1) }]);
    const deflated = deflateRawSync(Buffer.alloc(1000, 1));
    corrupt.fill(0xff, 30 + 'a.xml'.length, 30 + 'a.xml'.length + deflated.length);
    expect(checkZipSize(corrupt)).toEqual({ ok: false, reason: 'malformed' });
  });
});
