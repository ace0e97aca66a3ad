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

    /// <summary>GPT-3 175B on 128 nodes of 8 A100 80GB (the reference problem) with the given global batch.</summary>
    public static TrainingJob Gpt3On1024A100(int globalBatch) => Of("gpt3-175b", "a100-sxm-80gb", 128, globalBatch);

    public static SimulationResult Run(TrainingJob job, string layout) =>
        CostModel.Evaluate(job, ScalePlanner.Simulator.Layouts.Layout.Parse(layout));
}
