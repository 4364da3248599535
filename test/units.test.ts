import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseFlops, parseQuantity, parseRate, parseSize, UnitError } from '../src/units/units.js';

describe('units', () => {
  it('parses durations', () => {
    expect(parseDuration('800ns')).toBeCloseTo(800e-9, 15);
    expect(parseDuration('5us')).toBeCloseTo(5e-6, 15);
    // The micro sign (U+00B5) and the Greek mu (U+03BC) look alike and both mean micro.
    expect(parseDuration('5\u00b5s')).toBe(parseDuration('5us'));
    expect(parseDuration('5\u03bcs')).toBe(parseDuration('5us'));
    expect(parseDuration('1.5ms')).toBeCloseTo(1.5e-3, 15);
    expect(parseDuration('30s')).toBe(30);
    expect(parseDuration('2h')).toBe(7200);
    expect(parseDuration('7d')).toBe(604800);
    expect(parseDuration('45min')).toBe(2700);
    expect(parseDuration(12)).toBe(12);
  });

  it('one decimal value written with two prefixes is one float, the nearest to it', () => {
    // 900 x 1e-9 and 0.9 x 1e-6 differ in the last bit (1e-9 and 1e-6 are inexact): '900ns' and
    // '0.9us' were two latencies, so one scenario written two ways could give two outputs.
    const same: [string, string, number][] = [['900ns', '0.9us', 9e-7], ['350ns', '0.35us', 3.5e-7], ['940ns', '0.94us', 9.4e-7], ['1.5e3us', '1.5ms', 1.5e-3], ['.5ms', '500us', 5e-4]];
    for (const [a, b, x] of same) {
      expect(parseDuration(a), a).toBe(x);
      expect(parseDuration(b), b).toBe(x);
    }
    expect(parseRate('1100GB/s')).toBe(parseRate('1.1TB/s'));
    expect(parseFlops('1979TFLOPS')).toBe(parseFlops('1.979PFLOPS'));
  });

  it('parses sizes, decimal and binary, bytes and bits', () => {
    expect(parseSize('80GiB')).toBe(80 * 2 ** 30);
    expect(parseSize('80GB')).toBe(80e9);
    expect(parseSize('8Gb')).toBe(1e9);
    expect(parseSize('512MiB')).toBe(512 * 2 ** 20);
  });

  it('parses rates in bits and bytes per second', () => {
    expect(parseRate('400Gbps')).toBe(50e9);
    expect(parseRate('400Gb/s')).toBe(50e9);
    expect(parseRate('50GB/s')).toBe(50e9);
    expect(parseRate('3.35TB/s')).toBeCloseTo(3.35e12, 0);
  });

  it('parses FLOP/s, counts and frequencies', () => {
    expect(parseFlops('989TFLOPS')).toBe(989e12);
    expect(parseFlops('2PFLOP/s')).toBe(2e15);
    expect(parseQuantity('175B', 'count')).toBe(175e9);
    expect(parseQuantity('15T', 'count')).toBe(15e12);
    expect(parseQuantity('12/h', 'frequency')).toBeCloseTo(12 / 3600, 15);
    expect(parseQuantity('3.15e23FLOP', 'flop')).toBe(3.15e23);
  });

  it('rejects negatives, unknown units and garbage with what was expected', () => {
    expect(() => parseDuration('-5s')).toThrow(UnitError);
    expect(() => parseDuration('-5s')).toThrow(/non-negative/);
    expect(() => parseDuration('5parsecs')).toThrow(/unknown unit 'parsecs'.*duration/);
    expect(() => parseRate('fast')).toThrow(/expected a rate/);
    expect(() => parseSize('80GiBps')).toThrow(/unknown unit/);
  });

  it('formats durations for people', () => {
    expect(formatDuration(0.0042)).toBe('4.2ms');
    expect(formatDuration(93784)).toBe('26.1h');
    expect(formatDuration(7 * 86400)).toBe('7d');
  });
});
