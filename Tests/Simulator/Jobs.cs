using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Simulator;

/// <summary>Small fixed jobs the behaviour tests share.</summary>
public static class Jobs
{
    public static TrainingJob Of(string preset, string accelerator, int nodes, int globalBatch, bool flash = true) => new(
        ModelPresets.Get(preset),
        ClusterSpec.Of(AcceleratorCatalog.Get(accelerator), nodes),
        new TrainingSpec { GlobalBatchSize = globalBatch, Tokens = 1e11, FlashAttention = flash });

    public static SimulationResult Run(TrainingJob job, string layout) =>
        ScalePlanner.Simulator.Simulation.Simulator.Evaluate(job, ScalePlanner.Simulator.Layouts.Layout.Parse(layout));
}
