using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Timeline;

namespace ScalePlanner.Simulator.Plans;

/// <summary>One ranked layout of a search: which cluster, and the full prediction (from the event-driven timeline when <see cref="Timeline"/> is set).</summary>
public sealed record RankedLayout(int Rank, ClusterSpec Cluster, SimulationResult Result)
{
    public TimelineSimulation? Timeline { get; init; }

    /// <summary>The objective's value the ranking sorted on (seconds, dollars or −MFU); lower is better.</summary>
    public double Score { get; init; }

    /// <summary>How far off the cost model has been on comparable published runs; null when none was looked up.</summary>
    public AccuracyBand? Band { get; init; }
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

    /// <summary>The scenario's training recipe; a ranked layout that departs from it is marked (<see cref="TrainingRecipe.Warning"/>).</summary>
    public TrainingRecipe Recipe { get; init; } = TrainingRecipe.Default;

    /// <summary>The ranked layouts the search kept beyond <see cref="Top"/> (Top is its start), from which near-ties are counted.</summary>
    public IReadOnlyList<RankedLayout> Pool { get; init; } = [];

    /// <summary>The ranking with near-ties grouped: each group is a run of consecutive ranks within a stated percentage of its first.</summary>
    public IReadOnlyList<TieGroup> Groups { get; init; } = [];

    /// <summary>Every cluster option (and software stack compared) with its best layout, also when that misses the constraints or nothing fits.</summary>
    public IReadOnlyList<ClusterOption> Options { get; init; } = [];

    /// <summary>Why the best layout wins; null when nothing fits.</summary>
    public PlanExplanation? Explanation { get; init; }

    /// <summary>The near-tie group holding <paramref name="rank"/>; null when the ranking was not grouped.</summary>
    public TieGroup? GroupOf(int rank) => Groups.FirstOrDefault(g => rank >= g.FirstRank && rank <= g.LastRank);

    public double CandidatesPerSecond => Counts.Considered / Math.Max(WallSeconds, 1e-9);
}
