// SimGrid side of poolsim's `npm run bench -- burst`: N flows that all start at t=0 on a k=8 fat
// tree (128 hosts; host, edge-aggregation and aggregation-core links, every one 12.5e9 B/s, latency
// 0, one link per direction), routed like src/bench/burst-bench.ts: same edge = [up, down]; same
// pod = via aggregation switch dst mod 4; else via aggregation dst mod 4 and core (dst / 4) mod 4.
// Flows come from a file of float64 triples (src, dst, bytes) that the benchmark writes.
// Build: g++ -O2 -std=c++17 -o sg-burst sg-burst.cpp $(pkg-config --cflags --libs simgrid)
// Run:   sg-burst FLOWS.f64 --cfg=network/model:CM02 --cfg=network/crosstraffic:0  (pure max-min)
#include <simgrid/s4u.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <tuple>
#include <vector>
namespace sg4 = simgrid::s4u;

static const int K = 8, HALF = K / 2, H = K * K * K / 4;
static const double BW = 12.5e9;
static std::vector<double> fl;
static std::vector<sg4::Host*> hosts;
static long n = 0, done = 0;
static double sumFct = 0, lastFct = 0;

static void flow(long i)
{
  sg4::Comm::sendto(hosts[(int)fl[3 * i]], hosts[(int)fl[3 * i + 1]], fl[3 * i + 2]);
  double t = sg4::Engine::get_clock();
  sumFct += t;
  if (t > lastFct)
    lastFct = t;
  done++;
}

static void spawner()
{
  for (long i = 0; i < n; i++)
    sg4::Actor::create("f", hosts[(int)fl[3 * i]], flow, i);
}

int main(int argc, char** argv)
{
  sg4::Engine e(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: sg-burst FLOWS.f64 [--cfg=...]\n");
    return 2;
  }
  FILE* f = std::fopen(argv[1], "rb");
  if (!f) {
    std::perror(argv[1]);
    return 2;
  }
  double x;
  while (std::fread(&x, 8, 1, f) == 1)
    fl.push_back(x);
  std::fclose(f);
  n = fl.size() / 3;
  auto* zone = sg4::create_full_zone("fat-tree");
  auto mk = [&](const std::string& name) { return zone->create_link(name, BW)->set_latency(0)->seal(); };
  std::vector<sg4::Link*> hu(H), hd(H);
  std::map<std::tuple<int, int, int>, sg4::Link*> eau, ead, acu, acd;
  for (int h = 0; h < H; h++) {
    hosts.push_back(zone->create_host("h" + std::to_string(h), 1e9)->seal());
    hu[h] = mk("hu" + std::to_string(h));
    hd[h] = mk("hd" + std::to_string(h));
  }
  for (int p = 0; p < K; p++)
    for (int a = 0; a < HALF; a++)
      for (int b = 0; b < HALF; b++) {
        std::string s = std::to_string(p) + "_" + std::to_string(a) + "_" + std::to_string(b);
        eau[{p, a, b}] = mk("eau" + s);
        ead[{p, a, b}] = mk("ead" + s);
        acu[{p, a, b}] = mk("acu" + s);
        acd[{p, a, b}] = mk("acd" + s);
      }
  for (int s = 0; s < H; s++)
    for (int d = 0; d < H; d++) {
      if (s == d)
        continue;
      int ps = s / (HALF * HALF), es = (s / HALF) % HALF, pd = d / (HALF * HALF), ed = (d / HALF) % HALF;
      std::vector<sg4::LinkInRoute> r;
      r.emplace_back(hu[s]);
      if (!(ps == pd && es == ed)) {
        int a = d % HALF;
        r.emplace_back(eau[{ps, es, a}]);
        if (ps != pd) {
          int c = (d / HALF) % HALF;
          r.emplace_back(acu[{ps, a, c}]);
          r.emplace_back(acd[{pd, a, c}]);
        }
        r.emplace_back(ead[{pd, ed, a}]);
      }
      r.emplace_back(hd[d]);
      zone->add_route(hosts[s]->get_netpoint(), hosts[d]->get_netpoint(), nullptr, nullptr, r, false);
    }
  zone->seal();
  sg4::Actor::create("spawner", hosts[0], spawner);
  auto t0 = std::chrono::steady_clock::now();
  e.run();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("RESULT flows=%ld done=%ld fct_mean=%.9f fct_max=%.9f wall_s=%.3f\n", n, done, sumFct / n, lastFct, wall);
  return 0;
}
