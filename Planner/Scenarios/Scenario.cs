using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Scenarios;

/// <summary>A scenario file: the model, how it is trained, the cluster options to compare, the search limits and the objective.</summary>
public sealed record Scenario(string Name, ModelSpec Model, TrainingSpec Training, IReadOnlyList<ClusterSpec> Clusters, SearchSpace Search, Objective Objective)
{
    /// <summary>The training recipe (training.precision, optimizer, compress): the search keeps it unless `search` opens a dimension.</summary>
    public TrainingRecipe Recipe { get; init; } = TrainingRecipe.Default;

    /// <summary>The job on the cluster option that has <paramref name="devices"/> devices (the first such option).</summary>
    public TrainingJob JobWith(int devices)
    {
        foreach (var cluster in Clusters)
        {
            if (cluster.Devices == devices) return new TrainingJob(Model, cluster, Training);
        }
        throw new SpecException("layout", $"dp·tp·pp·cp = {devices} devices matches no cluster of the scenario; its clusters have {string.Join(", ", Clusters.Select(c => c.Devices).Distinct())} devices");
    }
}
