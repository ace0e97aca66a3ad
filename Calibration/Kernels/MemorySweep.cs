using ScalePlanner.Calibration.Measurement;
using ScalePlanner.Simulator.Profiles;
using TorchSharp;
using static TorchSharp.torch;

namespace ScalePlanner.Calibration.Kernels;

/// <summary>
/// Memory-bound kernels in fp32 over sizes from cache-resident to far beyond the last-level cache. Bytes follow the cost
/// model's conventions: copy reads and writes (2 per element), add and multiply read two and write a new tensor (3), layer norm,
/// GeLU and the masked softmax read and write once (2). The softmax is the attention's: an additive causal mask, then softmax.
/// </summary>
public static class MemorySweep
{
    private const int RowLength = 1024;
    /// <summary>The masked softmax runs on 256×256 score blocks, an attention row length, so sizes down to 256 KB can be measured.</summary>
    private const int ScoreLength = 256;

    public static long[] Elements(bool quick) => quick
        ? [16_384, 131_072, 1_048_576, 4_194_304, 16_777_216]
        : [8_192, 32_768, 131_072, 524_288, 2_097_152, 8_388_608, 33_554_432, 67_108_864];

    public static List<MemoryMeasurement> Run(Device device, bool quick, Microrun microrun, Action<string> progress)
    {
        var results = new List<MemoryMeasurement>();
        using var mask = full(ScoreLength, ScoreLength, float.NegativeInfinity, device: device).triu(1);
        foreach (long n in Elements(quick))
        {
            using var a = randn([n / RowLength, RowLength], device: device);
            using var b = randn([n / RowLength, RowLength], device: device);
            using var c = empty_like(a);
            const int e = sizeof(float);
            Add(MemoryKernel.Copy, "copy", 2 * n * e, () => c.copy_(a));
            Add(MemoryKernel.Elementwise, "add", 3 * n * e, () => add(a, b));
            Add(MemoryKernel.Elementwise, "multiply", 3 * n * e, () => mul(a, b));
            Add(MemoryKernel.Normalization, "layer_norm", 2 * n * e, () => nn.functional.layer_norm(a, [RowLength]));
            Add(MemoryKernel.Activation, "gelu", 2 * n * e, () => nn.functional.gelu(a));
            Add(MemoryKernel.Softmax, "masked_softmax", 2 * n * e, () => a.view(-1, ScoreLength, ScoreLength).add(mask).softmax(-1));
        }
        progress($"memory kernels: {results.Count} measurements");
        return results;

        void Add(MemoryKernel kernel, string op, long bytes, Action action)
        {
            if (op == "masked_softmax" && bytes / 2 / sizeof(float) % (ScoreLength * ScoreLength) != 0) return; // needs whole s×s blocks
            results.Add(new MemoryMeasurement(kernel, op, bytes, microrun.Time(action)));
        }
    }
}
