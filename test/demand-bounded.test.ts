// The demand-bounded network transfers move in: a job's flow holds at most its demand (bytes per step
// / step time), the transfers share the rest max-min (progressive filling with demands), by hand.
import { describe, expect, it } from 'vitest';
import { FlowNetwork } from '../src/model/network/flow-network.js';
import { DemandBoundedNetwork } from '../src/model/network/demand-bounded.js';

const C = 50e9;

function setUp(): { avg: DemandBoundedNetwork; link: number } {
  const contention = new FlowNetwork();
  const link = contention.addLink(C);
  const avg = new DemandBoundedNetwork();
  avg.mirrorLinks(contention);
  return { avg, link };
}

describe('DemandBoundedNetwork: two flows on one link, one capped at its demand', () => {
  it('a demand under the fair share leaves the rest to the transfer', () => {
    const { avg, link } = setUp();
    // A job sending 23.33 GB a step of 6.389 s: 3.652 GB/s. The transfer has 50 - 3.652 GB/s.
    const demand = 23.33e9 / 6.389;
    avg.setDemand(7, [link], 1, demand, 0);
    const t = avg.network.addFlow([link], 10e12, 0);
    expect(avg.network.rate(t)).toBeCloseTo(C - demand, 0);
    expect(avg.network.nextCompletionTime()).toBeCloseTo(10e12 / (C - demand), 6);
  });

  it('a demand above the fair share is held to it: the transfer never gets less than max-min among greedy flows', () => {
    const { avg, link } = setUp();
    // Progressive filling: both rise to 25 GB/s, where the link is full before the 40 GB/s demand binds.
    avg.setDemand(3, [link], 1, 40e9, 0);
    const t = avg.network.addFlow([link], 10e12, 0);
    expect(avg.network.rate(t)).toBeCloseTo(C / 2, 0);
  });

  it('a demand that changes re-shares the link; a demand of 0 or a dropped flow holds nothing', () => {
    const { avg, link } = setUp();
    avg.setDemand(3, [link], 1, 10e9, 0);
    const t = avg.network.addFlow([link], 10e12, 0);
    expect(avg.network.rate(t)).toBeCloseTo(40e9, 0);
    avg.setDemand(3, [link], 1, 20e9, 1);
    expect(avg.network.rate(t)).toBeCloseTo(30e9, 0);
    // 40 GB in the first second, 30 GB/s after.
    expect(avg.network.remaining(t, 2)).toBeCloseTo(10e12 - 40e9 - 30e9, -3);
    avg.setDemand(3, [link], 1, 0, 2);
    expect(avg.network.rate(t)).toBeCloseTo(C, 0);
    avg.setDemand(3, [link], 1, 20e9, 3);
    avg.drop(3, 3);
    expect(avg.network.rate(t)).toBeCloseTo(C, 0);
    avg.setDemand(4, [link], 1, 5e9, 3);
    avg.dropAll(3);
    expect(avg.network.rate(t)).toBeCloseTo(C, 0);
    expect(avg.network.activeFlowCount).toBe(1);
  });
});
