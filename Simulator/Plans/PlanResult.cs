using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Timeline;

namespace ScalePlanner.Simulator.Plans;

/// <summary>One ranked layout of a search: which cluster, and the full prediction (from the event-driven timeline when <see cref="Timeline"/> is set).</summary>
public sealed record RankedLayout(int Rank, ClusterSpec Cluster, SimulationResult Result)
{
    public TimelineSimulation? Timeline { get; init; }
}

/// <summary>
/// How many candidates a search met, and why the others were left out. <see cref="Considered"/> counts every valid layout,
/// <see cref="RuledOutByBound"/> of them those whose micro-batch shape's lower bound on the step already lost to the layouts
/// kept, so they were never costed one by one.
/// </summary>
public sealed record SearchCounts(
    long Considered, long Fit, long OverMemory, long OutsideConstraints, long DivisibilityExcluded, long BatchExcluded, int Shapes, long RuledOutByBound = 0);

/// <summary>
/// The answer of a layout search: the best layouts by the objective, the fastest layout of each cluster option, the
/// time-versus-dollars Pareto front (those options no other beats on both), the counts, how long it took, and, when nothing
/// fits, what would.
/// </summary>
public sealed record PlanResult(
    string Scenario, string Objective, IReadOnlyList<RankedLayout> Top, IReadOnlyList<RankedLayout> FastestPerCluster,
    IReadOnlyList<RankedLayout> Pareto, SearchCounts Counts,
    double WallSeconds, IReadOnlyList<string> WhatWouldFit)
{
    /// <summary>How many of the best layouts were re-ranked with the event-driven timeline (`plan --refine K`).</summary>
    public int Refined { get; init; }

    public double CandidatesPerSecond => Counts.Considered / Math.Max(WallSeconds, 1e-9);
}
