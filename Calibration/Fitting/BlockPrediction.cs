using ScalePlanner.Calibration.Kernels;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Calibration.Fitting;

/// <summary>What the cost model predicts for a stack of GPT blocks (or one block's attention) forward + backward on this device: the same code `simulate` runs.</summary>
public static class BlockPrediction
{
    public static double ForwardBackwardSeconds(BlockSize size, DeviceProfile profile, Precision precision = Precision.Fp32)
    {
        var (model, layout) = Block(size, profile, precision);
        var block = model.Shape(layout).Block;
        return size.Layers * (block.Forward + block.Backward);
    }

    /// <summary>The causal attention core of the block alone, forward + backward.</summary>
    public static double AttentionSeconds(BlockSize size, DeviceProfile profile)
    {
        var (model, layout) = Block(size, profile);
        var attention = model.Attention(layout);
        return attention.Forward + attention.Backward;
    }

    private static (StepModel Model, Layout Layout) Block(BlockSize size, DeviceProfile profile, Precision precision = Precision.Fp32)
    {
        var model = ModelPresets.Get("gpt2-small") with
        {
            Name = size.Name, Layers = 1, Hidden = size.Hidden, Heads = size.Heads, KvHeads = size.Heads, FfnHidden = 4 * size.Hidden,
            SequenceLength = size.Sequence, Dropout = false,
        };
        var job = new TrainingJob(model, ClusterSpec.Of(AcceleratorCatalog.Get("cpu"), 1),
            new TrainingSpec { GlobalBatchSize = size.MicroBatch, Tokens = 1, FlashAttention = false });
        return (new StepModel(job, profile), new Layout { MicroBatch = size.MicroBatch, Precision = precision });
    }
}
