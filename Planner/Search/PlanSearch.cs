using System.Collections.Concurrent;
using System.Diagnostics;
using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Validation;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Search;

/// <summary>
/// Exhaustive layout search with branch and bound. A sequential pass lists the work items, one per micro-batch shape
/// (cluster, tp, cp, mb, sp, recompute, precision, ep, etp), counting what divisibility and the batch exclude; a parallel pass
/// costs each shape once with a lower bound on its layouts' score (<see cref="ShapeBound"/>); a second parallel pass takes the
/// shapes best bound first and walks every pipeline split, virtual-stage count, schedule, ZeRO stage, optimizer, compression
/// and overlap with plain arithmetic, pruning by memory before timing, unless the shape's bound already loses to the ranked pool,
/// to its cluster's fastest layout, to the best of its (tp, pp, cp) shape and to the simplest layout (<see cref="Incumbents"/>).
/// The answer and its explanation are the exhaustive ones: only layouts proven no better are skipped.
/// </summary>
public static class PlanSearch
{
    private readonly record struct WorkItem(int Cluster, int Tp, int Cp, int MicroBatch, bool Sp, RecomputeMode Recompute, Precision Precision, int Ep, int Etp);

    /// <summary>How many ranked layouts the search keeps per layout shown, so that near-ties can be grouped and still fill --top rows.</summary>
    private const int PoolPerRow = 40, MaxPool = 1000;

    /// <param name="bound">False times every layout one by one (no branch and bound): the same answer, slower; tests compare the two.</param>
    public static PlanResult Run(Scenario scenario, int top, DeviceProfile? profile = null, Action<double>? progress = null, bool bound = true)
    {
        var clock = Stopwatch.StartNew();
        // One job per cluster option and stack compared (search.framework), each searched and ranked on its own terms.
        var stacks = scenario.Search.Framework ?? [scenario.Training.Framework];
        var jobs = scenario.Clusters.SelectMany(c => stacks.Select(f => new TrainingJob(scenario.Model, c, scenario.Training with { Framework = f }))).ToArray();
        var models = jobs.Select(j => new StepModel(j, profile)).ToArray();
        var spaces = jobs.Select(j => new LayoutSpace(j.Model, j.Training, j.Cluster, scenario.Search)).ToArray();
        var (items, divisibility, batch) = WorkItems(spaces);

        // Phase 1: each shape's micro-batch costs and the bound on its layouts' score.
        var shapes = new MicroBatchCosts?[items.Count];
        var bounds = new ShapeBound[items.Count];
        int done = 0;
        Parallel.For(0, items.Count, i =>
        {
            var item = items[i];
            if (HasLayouts(item, jobs[item.Cluster], spaces[item.Cluster]))
            {
                var shapeLayout = ShapeLayout(item);
                var shape = models[item.Cluster].Shape(shapeLayout);
                shapes[i] = shape;
                bounds[i] = ShapeBound.Of(jobs[item.Cluster], models[item.Cluster], shape, shapeLayout, scenario.Objective);
            }
            int finished = Interlocked.Increment(ref done);
            if (progress is not null && finished % 256 == 0) progress(0.5 * finished / items.Count);
        });

        // Phase 2: best bound first, so the kept layouts are good early and rule out the most.
        var order = Enumerable.Range(0, items.Count).Where(i => shapes[i] is not null).OrderBy(i => bounds[i].Score).ThenBy(i => i).ToArray();
        int pool = Math.Max(top, Math.Min(top * PoolPerRow, MaxPool));
        var total = new SearchAccumulator(pool, jobs.Length);
        var incumbents = new Incumbents(jobs.Length, bound);
        done = 0;
        if (order.Length > 0)   // Partitioner refuses an empty range: a scenario with no shape to walk ranks nothing
        {
            Parallel.ForEach(Partitioner.Create(0, order.Length, 4), () => new SearchAccumulator(pool, jobs.Length), (range, _, acc) =>
            {
                for (int k = range.Item1; k < range.Item2; k++)
                {
                    int i = order[k];
                    var item = items[i];
                    Evaluate(item, shapes[i]!.Value, bounds[i], jobs[item.Cluster], models[item.Cluster], spaces[item.Cluster], scenario.Objective, acc, incumbents);
                    int finished = Interlocked.Increment(ref done);
                    if (progress is not null && finished % 256 == 0) progress(0.5 + 0.5 * finished / order.Length);
                }
                return acc;
            }, acc => acc.MergeInto(total));
        }
        progress?.Invoke(1);

        var counts = new SearchCounts(total.Considered, total.Fit, total.OverMemory, total.OutsideConstraints, divisibility, batch, items.Count, total.RuledOut);
        double wall = clock.Elapsed.TotalSeconds;
        // How far off the cost model has been on published runs like each job (the same for every layout of a job); loaded once per process, not timed.
        var bands = jobs.Select(AccuracyBands.Default.For).ToArray();
        RankedLayout Rank(int rank, in Candidate c) => new(rank, jobs[c.Cluster].Cluster, CostModel.Result(jobs[c.Cluster], c.Layout, c.Estimate))
        {
            Score = c.Score, Band = bands[c.Cluster],
        };
        List<RankedLayout> Ranked(List<Candidate> candidates) => [.. candidates.Select((c, i) => Rank(i + 1, c))];
        var ranked = total.Top.Items.Select((c, i) => Rank(i + 1, c)).ToList();
        var fastest = total.Fastest.Where(f => f.HasValue).Select(f => f!.Value).OrderBy(f => f.WallSeconds).ThenBy(f => f.Cluster).ToList();
        // Dollars of a priced cluster and device-hours of an unpriced one are not comparable: with any price given, the front is among priced options.
        var comparable = fastest.Any(f => jobs[f.Cluster].Cluster.PricePerDeviceHour > 0) ? fastest.Where(f => jobs[f.Cluster].Cluster.PricePerDeviceHour > 0).ToList() : fastest;
        var pareto = comparable.Where(a => !comparable.Any(b => Dominates(b, a))).ToList();
        RankedLayout ToRanked(Candidate c) => Rank(0, c);
        return new PlanResult(scenario.Name, scenario.Objective.Describe(), [.. ranked.Take(top)], Ranked(fastest), Ranked(pareto), counts, wall, [])
        {
            Recipe = scenario.Recipe,
            Pool = ranked,
            Options = ClusterOptions.Of(jobs, total.Shapes, [.. pareto.Select(p => p.Cluster)], ToRanked),
            Explanation = total.Top.Count == 0 ? null
                : WinnerExplanation.Build(ranked[0], total.Top.Items.First().Cluster, total.Shapes, total.Simplest[total.Top.Items.First().Cluster], ToRanked),
        };
    }

    private static (List<WorkItem> Items, long Divisibility, long Batch) WorkItems(LayoutSpace[] spaces)
    {
        var items = new List<WorkItem>();
        long divisibility = 0, batch = 0;
        for (int c = 0; c < spaces.Length; c++)
        {
            var space = spaces[c];
            divisibility += space.DivisibilityExcluded;
            foreach (int tp in space.Tp)
            {
                foreach (int cp in space.Cp)
                {
                    var microBatches = new SortedSet<int>();
                    foreach (int pp in space.Pp)
                    {
                        int dp = space.DataParallel(tp, cp, pp);
                        if (dp == 0)
                        {
                            divisibility++;
                            continue;
                        }
                        if (!space.Allows(dp)) continue; // restricted by the scenario, not invalid
                        if (!space.DividesBatch(dp))
                        {
                            batch++;
                            continue;
                        }
                        microBatches.UnionWith(space.MicroBatches(dp));
                    }
                    foreach (int mb in microBatches)
                        foreach (bool sp in space.SequenceParallel(tp))
                            foreach (var recompute in space.Recompute)
                                foreach (var precision in space.Precisions)
                                    foreach (var (ep, etp) in space.ExpertSplits(tp))
                                        items.Add(new WorkItem(c, tp, cp, mb, sp, recompute, precision, ep, etp));
                }
            }
        }
        return (items, divisibility, batch);
    }

    private static Layout ShapeLayout(in WorkItem item) => new()
    {
        Tp = item.Tp, Cp = item.Cp, MicroBatch = item.MicroBatch, Sp = item.Sp, Recompute = item.Recompute, Precision = item.Precision, Ep = item.Ep, Etp = item.Etp,
    };

    /// <summary>The data-parallel degree of <paramref name="pp"/> stages when this shape has layouts with it, else 0.</summary>
    private static int DataParallel(in WorkItem item, int pp, TrainingJob job, LayoutSpace space)
    {
        int dp = space.DataParallel(item.Tp, item.Cp, pp);
        if (dp == 0 || !space.Allows(dp) || !LayoutRules.SplitsBatch(job.Training.GlobalBatchSize, dp, item.MicroBatch)) return 0;
        return LayoutRules.SplitsExperts(job.Model, dp, item.Tp, item.Cp, item.Ep, item.Etp) ? dp : 0;
    }

    private static bool HasLayouts(in WorkItem item, TrainingJob job, LayoutSpace space)
    {
        foreach (int pp in space.Pp)
        {
            if (DataParallel(item, pp, job, space) > 0) return true;
        }
        return false;
    }

    /// <summary>The fewest techniques (<see cref="PlanExplanation.Complexity"/>) any layout of this shape with <paramref name="pp"/> stages uses.</summary>
    private static int LeastComplexity(in WorkItem item, int pp) =>
        (item.Tp > 1 ? 1 : 0) + (item.Ep > 1 || item.Etp > 1 ? 1 : 0) + (pp > 1 ? 1 : 0) + (item.Cp > 1 ? 1 : 0) + (item.Sp ? 1 : 0) + (item.Recompute != RecomputeMode.None ? 1 : 0);

    private static void Evaluate(in WorkItem item, in MicroBatchCosts costs, in ShapeBound bound, TrainingJob job, StepModel stepModel, LayoutSpace space,
        Objective objective, SearchAccumulator acc, Incumbents incumbents)
    {
        var shapeLayout = ShapeLayout(item);
        var (_, cluster, _) = job;
        double capacity = cluster.Accelerator.MemoryBytes;
        bool cannotWin = incumbents.CannotWin(bound, item.Cluster);

        foreach (int pp in space.Pp)
        {
            int dp = DataParallel(item, pp, job, space);
            if (dp == 0) continue;
            var key = new ShapeKey(item.Cluster, item.Tp, pp, item.Cp);
            // What this shape met, for the explanation: its best, its fastest outside the constraints, its closest miss on memory.
            Candidate? shapeBest = null, shapeOutside = null;
            Layout? least = null;
            MemoryParts leastMemory = default;
            int shards = dp * item.Cp;
            var zeros = space.ZeroStages(shards, item.Tp, pp);
            var compressions = space.Compressions(shards, item.Precision);
            var overlaps = space.Overlaps(shards);
            if (cannotWin && incumbents.RulesOut(bound, key, LeastComplexity(item, pp)))
            {
                long perSchedule = (long)zeros.Length * space.Optimizers.Length * compressions.Length * overlaps.Length, skipped = 0;
                foreach (var split in space.StageSplits(pp))
                    foreach (int vp in split.VirtualStages) skipped += space.Schedules(pp, vp).Length * perSchedule;
                acc.Considered += skipped;
                acc.RuledOut += skipped;
                continue;
            }
            foreach (var split in space.StageSplits(pp))
            foreach (int vp in split.VirtualStages)
                foreach (var schedule in space.Schedules(pp, vp))
                    foreach (var (zero, hybrid) in zeros)
                        foreach (var optimizer in space.Optimizers)
                            foreach (var compression in compressions)
                                foreach (bool overlap in overlaps)
                                {
                                    var layout = shapeLayout with
                                    {
                                        Dp = dp, Pp = pp, Vp = vp, FirstStageLayers = split.FirstStageLayers, LastStageLayers = split.LastStageLayers,
                                        Schedule = schedule, Zero = zero, HybridShard = hybrid, Optimizer = optimizer,
                                        Compression = compression, Overlap = overlap,
                                    };
                                    acc.Considered++;
                                    var memory = stepModel.Memory(costs, layout);
                                    if (memory.Total > capacity)
                                    {
                                        acc.OverMemory++;
                                        if (least is null || memory.Total < leastMemory.Total) (least, leastMemory) = (layout, memory);
                                        continue;
                                    }
                                    var estimate = stepModel.Estimate(costs, layout, memory);
                                    var run = CostModel.Run(job, layout, estimate);
                                    double wall = run.TimeToTrainSeconds;
                                    double dollars = Objective.Dollars(wall, layout.Devices, cluster.PricePerDeviceHour);
                                    if (!objective.Allows(wall, dollars))
                                    {
                                        acc.OutsideConstraints++;
                                        if (shapeOutside is null || wall < shapeOutside.Value.WallSeconds) shapeOutside = new Candidate(item.Cluster, layout, wall, wall, dollars, estimate);
                                        continue;
                                    }
                                    acc.Fit++;
                                    var candidate = new Candidate(item.Cluster, layout, objective.Score(wall, dollars, run.Mfu), wall, dollars, estimate);
                                    if (shapeBest is null || Candidate.Compare(candidate, shapeBest.Value) < 0) shapeBest = candidate;
                                    acc.OfferSimplest(candidate);
                                    var fastest = acc.Fastest[item.Cluster];
                                    if (fastest is null || wall <= fastest.Value.WallSeconds)
                                    {
                                        var asFastest = candidate with { Score = wall };
                                        if (fastest is null || Candidate.Compare(asFastest, fastest.Value) < 0) acc.Fastest[item.Cluster] = asFastest;
                                    }
                                    if (!acc.Top.Rejects(candidate.Score)) acc.Top.Offer(candidate);
                                }
            if (shapeBest is not null || shapeOutside is not null || least is not null)
                acc.Shapes[key].Offer(shapeBest, shapeOutside, least, leastMemory);
            incumbents.Publish(acc, item.Cluster, key, shapeBest);
        }
    }

    /// <summary>For one cluster option dollars grow with wall time, so only its fastest layout can be on the front; one option dominates another when it is no worse on both and better on one.</summary>
    private static bool Dominates(in Candidate b, in Candidate a) =>
        (b.WallSeconds < a.WallSeconds && b.Dollars <= a.Dollars) || (b.WallSeconds <= a.WallSeconds && b.Dollars < a.Dollars);
}
