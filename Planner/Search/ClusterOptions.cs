using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Planner.Search;

/// <summary>
/// Every job of a search (cluster option × software stack) with its best layout by the objective, so that a losing option is
/// shown too: the best within the constraints, else the fastest that fits in memory, else nothing.
/// </summary>
public static class ClusterOptions
{
    public static IReadOnlyList<ClusterOption> Of(TrainingJob[] jobs, ShapeBests shapes, IReadOnlyCollection<int> onFront, Func<Candidate, RankedLayout> rank) =>
    [
        .. jobs.Select((job, j) =>
        {
            var merged = shapes.Merged(j);
            return new ClusterOption(job.Cluster, job.Training.Framework,
                merged.Best is { } best ? rank(best) : null,
                merged.Best is null && merged.FastestOutside is { } outside ? rank(outside) : null,
                onFront.Contains(j));
        }),
    ];
}
