// The TS↔WGSL contract: src/engine/webgpu/contract.ts is the one source, and this test parses every shader to
// check it against it — each `struct Params` field by field (name, order, u32 or f32), each storage binding
// (name, index, access), the override constants that size workgroups (no literal workgroup sizes anywhere), the
// codes and the metrics-record offsets shared through common.wgsl, and the few structural constants both sides
// must agree on.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRICS_RECORD } from '../../src/core/workspace';
import { KERNELS, WGSL_SHARED_CONSTANTS, type KernelContract } from '../../src/engine/webgpu/contract';
import { SOFTWARE_BLOCK } from '../../src/engine/webgpu/kernels/gemm';
import { TILE_ROWS } from '../../src/engine/webgpu/kernels/recurrent';

const SHADERS = join(__dirname, '../../shaders');
const source = (file: string) => readFileSync(join(SHADERS, file), 'utf8').replace(/\/\/[^\n]*/g, '');

function structFields(code: string, name: string): { name: string; type: string }[] {
  const body = new RegExp(`struct\\s+${name}\\s*\\{([^}]*)\\}`).exec(code)?.[1];
  if (body === undefined) return [];
  return body
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f.length > 0)
    .map((f) => {
      const [n, t] = f.split(':').map((s) => s.trim());
      return { name: n, type: t };
    });
}

function storageBindings(code: string): { index: number; name: string; access: string }[] {
  return [...code.matchAll(/@group\(0\)\s*@binding\((\d+)\)\s*var<storage,\s*(read|read_write)>\s*(\w+)/g)].map((m) => ({
    index: Number(m[1]),
    access: m[2] === 'read' ? 'read' : 'rw',
    name: m[3],
  }));
}

/** override NAME: type [= default]; → NAME → whether it has a default. */
function overrides(code: string): Map<string, boolean> {
  return new Map([...code.matchAll(/override\s+(\w+)\s*:\s*\w+\s*(=)?/g)].map((m) => [m[1], m[2] !== undefined]));
}

function consts(code: string): Record<string, number> {
  return Object.fromEntries([...code.matchAll(/^const\s+(\w+)\s*:\s*u32\s*=\s*(\d+)u\s*;/gm)].map((m) => [m[1], Number(m[2])]));
}

const contracts = Object.entries(KERNELS) as [string, KernelContract][];
const kernelFiles = readdirSync(SHADERS).filter((f) => f.endsWith('.wgsl') && f !== 'common.wgsl');

describe('every shader file has a contract', () => {
  it('each kernel .wgsl is the source of exactly one contract', () => {
    const claimed = contracts.flatMap(([, c]) => c.sources);
    expect([...claimed].sort()).toEqual([...kernelFiles].sort());
  });
});

describe.each(contracts.flatMap(([name, c]) => c.sources.map((file) => [name, file, c] as const)))('%s (%s)', (_name, file, contract) => {
  const code = source(file);

  it('struct Params has the contract’s fields, in order, u32 or f32 as the TS side writes them', () => {
    const fields = structFields(code, 'Params');
    expect(fields.map((f) => f.name)).toEqual([...contract.uniforms.fields]);
    for (const f of fields) expect(`${f.name}: ${f.type}`).toBe(`${f.name}: ${contract.uniforms.floats?.includes(f.name) ? 'f32' : 'u32'}`);
    expect(code).toMatch(/@group\(1\)\s*@binding\(0\)\s*var<uniform>\s*u\s*:\s*Params\s*;/);
  });

  it('its storage bindings are the contract’s, by name, index and access', () => {
    const expected = Object.entries(contract.bindings).map(([name, access], index) => ({ index, name, access }));
    expect(storageBindings(code)).toEqual(expected);
  });

  it('the contract’s fixed constants are overrides without a WGSL default (the TS value is the only one)', () => {
    const declared = overrides(code);
    for (const name of Object.keys(contract.constants)) {
      expect(declared.has(name), `${file} declares override ${name}`).toBe(true);
      expect(declared.get(name), `${file}: override ${name} has no default`).toBe(false);
    }
  });

  it('every workgroup size is an override constant, never a literal', () => {
    const sizes = [...code.matchAll(/@workgroup_size\(([^)]*)\)/g)].flatMap((m) => m[1].split(',').map((s) => s.trim()));
    expect(sizes.length).toBeGreaterThan(0);
    const declared = overrides(code);
    for (const s of sizes) expect(declared.has(s), `${file}: @workgroup_size(${s}) names an override`).toBe(true);
  });

  it('redeclares none of the codes common.wgsl shares', () => {
    for (const name of Object.keys(consts(code))) expect(WGSL_SHARED_CONSTANTS[name], `${file} redeclares ${name}`).toBeUndefined();
  });
});

describe('common.wgsl: the codes and the metrics record', () => {
  const common = source('common.wgsl');

  it('declares exactly the shared constants of contract.ts, with the same values', () => {
    expect(consts(common)).toEqual(WGSL_SHARED_CONSTANTS);
  });

  it('the metrics record offsets are the workspace table’s, and distinct within one record', () => {
    const c = consts(common);
    expect(c.RECORD_FLOATS).toBe(METRICS_RECORD.floats);
    expect(c.RECORD_LOSS_SUM).toBe(METRICS_RECORD.lossSum);
    expect(c.RECORD_GUARDED).toBe(METRICS_RECORD.guarded);
    const offsets = Object.entries(METRICS_RECORD).filter(([k]) => k !== 'floats').map(([, v]) => v);
    expect(new Set(offsets).size).toBe(offsets.length);
    for (const o of offsets) expect(o).toBeLessThan(METRICS_RECORD.floats);
  });

  it('finalize.wgsl writes every record field by name and optimizer.wgsl reads by name (no numeric offsets)', () => {
    const finalize = source('finalize.wgsl');
    const optimizer = source('optimizer.wgsl');
    for (const key of ['LOSS_SUM', 'PENALTY', 'GRAD_NORM_SQ', 'CLIP_FACTOR', 'FINITE', 'GUARDED']) {
      expect(finalize).toContain(`metrics[rec + RECORD_${key}] =`);
    }
    for (const code of [finalize, optimizer]) {
      expect(code).toContain('u.chunk * RECORD_FLOATS');
      expect(code).not.toMatch(/rec \+ \d/);
    }
  });
});

describe('structural constants both sides rely on', () => {
  it('TILE_ROWS of the blocked recurrences', () => {
    expect(consts(source('recurrent_forward.wgsl')).TILE_ROWS).toBe(TILE_ROWS);
    expect(consts(source('recurrent_backward.wgsl')).TILE_ROWS).toBe(TILE_ROWS);
  });

  it('BLOCK of the software GEMM', () => {
    expect(consts(source('gemm.wgsl')).BLOCK).toBe(SOFTWARE_BLOCK);
  });
});
