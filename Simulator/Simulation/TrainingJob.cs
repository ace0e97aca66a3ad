using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Simulation;

/// <summary>The three independent specs of one prediction: what model, on which machines, trained how long on what batch.</summary>
public sealed record TrainingJob(ModelSpec Model, ClusterSpec Cluster, TrainingSpec Training)
{
    public TrainingJob Validated() => new(Model.Validated(), Cluster.Validated(), Training.Validated());
}
