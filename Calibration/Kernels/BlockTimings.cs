using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Calibration.Kernels;

/// <summary>
/// One block size: <paramref name="Layers"/> GPT blocks of this shape in a stack, forward and backward on a micro-batch. A stack
/// keeps every block's activations for the backward, as a model does, so its working set outgrows the cache as a model's does.
/// </summary>
public sealed record BlockSize(string Name, int Hidden, int Heads, int Sequence, int MicroBatch, int Layers = 1);

/// <summary>
/// Times whole GPT blocks forward + backward, and their causal attention alone: at the fitting sizes, which set the fraction of
/// the microruns' rate a whole block sustains, and at validation sizes that no fit ever saw.
/// </summary>
public static class BlockTimings
{
    /// <summary>Blocks that set the sustained fraction (<see cref="Fitting.SustainedFractionFit"/>), none of them a validation size.</summary>
    public static IReadOnlyList<BlockSize> FitSizes(bool quick) => quick
        ? [new("4 blocks h=256 s=256 b=4", 256, 4, 256, 4, 4), new("2 blocks h=512 s=256 b=2", 512, 8, 256, 2, 2)]
        : [new("4 blocks h=256 s=256 b=4", 256, 4, 256, 4, 4), new("2 blocks h=512 s=256 b=2", 512, 8, 256, 2, 2), new("2 blocks h=1024 s=128 b=4", 1024, 16, 128, 4, 2)];

    public static IReadOnlyList<BlockSize> Sizes(bool quick) => quick
        ? [new("block h=384 s=256 b=4", 384, 6, 256, 4), new("block h=768 s=512 b=2", 768, 12, 512, 2)]
        : [new("block h=384 s=256 b=4", 384, 6, 256, 4), new("block h=768 s=512 b=2", 768, 12, 512, 2),
           new("block h=1024 s=256 b=8", 1024, 16, 256, 8), new("block h=1536 s=512 b=1", 1536, 12, 512, 1)];

    /// <summary>A stack of <c>Layers</c> blocks, forward + backward on a micro-batch (gradients zeroed first, as a step does).</summary>
    public static BlockRun ForwardBackward(BlockSize size, Precision precision, Device device)
    {
        var type = TorchTypes.Of(precision);
        var blocks = nn.Sequential([.. Enumerable.Range(0, size.Layers).Select(_ => new GptBlock(size.Hidden, size.Heads, size.Sequence, device, type))]);
        var x = randn([size.MicroBatch, size.Sequence, size.Hidden], dtype: type, device: device, requires_grad: true);
        return new BlockRun(() =>
        {
            blocks.zero_grad();
            blocks.forward(x).sum().backward();
        }, blocks, x);
    }

    /// <summary>The block's causal attention core alone (scores, mask, softmax, weighted values), forward + backward.</summary>
    public static BlockRun Attention(BlockSize size, Precision precision, Device device)
    {
        var type = TorchTypes.Of(precision);
        long d = size.Hidden / size.Heads;
        var mask = full(size.Sequence, size.Sequence, float.NegativeInfinity, dtype: type, device: device).triu(1);
        Tensor Input() => randn([size.MicroBatch, size.Heads, size.Sequence, d], dtype: type, device: device, requires_grad: true);
        Tensor q = Input(), k = Input(), v = Input();
        return new BlockRun(() => GptBlock.CausalAttention(q, k, v, mask).sum().backward(), mask, q, k, v);
    }
}
