using ScalePlanner.Calibration.Measurement;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;
using TorchSharp;
using static TorchSharp.torch;

namespace ScalePlanner.Calibration.Kernels;

/// <summary>
/// Matrix-multiply sweeps over the shapes a transformer layer runs: for hidden size h and tokens T, the QKV [T×h]·[h×3h],
/// projection [T×h]·[h×h], MLP [T×h]·[h×4h] and [T×4h]·[4h×h] products, and the batched attention products
/// (heads × [s×d]·[d×s] and [s×s]·[s×d]). Separately, the weight gradients of the four linear layers as autograd runs them,
/// dW = dYᵀ·X with dY [T×out] read transposed: [out×T]·[T×in].
/// </summary>
public static class GemmSweep
{
    private static int[] Hidden(bool quick) => quick ? [256, 512, 1024] : [256, 512, 1024, 2048];

    private static int[] Tokens(bool quick) => quick ? [128, 1024] : [128, 512, 2048];

    /// <summary>Weight-gradient products [out×T]·[T×in] of the QKV, projection and two MLP layers, as (M = out, N = in, K = T).</summary>
    public static IReadOnlyList<(long M, long N, long K)> WeightGradientShapes(bool quick) =>
        [.. from h in Hidden(quick) from t in Tokens(quick) from layer in new[] { (3L * h, (long)h), (h, h), (4L * h, h), (h, 4L * h) } select (layer.Item1, layer.Item2, (long)t)];

    public static IReadOnlyList<(long M, long N, long K, long Batch)> Shapes(bool quick)
    {
        int[] hidden = Hidden(quick);
        int[] tokens = Tokens(quick);
        var shapes = new List<(long, long, long, long)>();
        foreach (int h in hidden)
        {
            foreach (int t in tokens)
            {
                shapes.Add((t, 3 * h, h, 1));
                shapes.Add((t, h, h, 1));
                shapes.Add((t, 4 * h, h, 1));
                shapes.Add((t, h, 4 * h, 1));
            }
        }
        foreach (int s in quick ? new[] { 128, 512 } : [128, 256, 512, 1024])
        {
            shapes.Add((s, s, 64, 8));
            shapes.Add((s, 64, s, 8));
        }
        return shapes;
    }

    /// <summary>Measures every shape for every precision the device computes; a precision LibTorch rejects here is skipped.</summary>
    public static List<GemmMeasurement> Run(Device device, IEnumerable<Precision> precisions, bool quick, Microrun microrun, Action<string> progress)
    {
        var results = new List<GemmMeasurement>();
        foreach (var precision in precisions)
        {
            var type = TorchTypes.Of(precision);
            if (!Supported(device, type))
            {
                progress($"matmul {precision.Key()}: not supported by LibTorch on {device.type}, skipped");
                continue;
            }
            // Half formats without native CPU support are slow: cap their sweep so the budget holds.
            double maxGflop = precision == Precision.Fp32 || device.type == DeviceType.CUDA ? double.MaxValue : (quick ? 0.6 : 2.5);
            foreach (var (m, n, k, batch) in Shapes(quick).Where(s => 2.0 * s.M * s.N * s.K * s.Batch * 1e-9 <= maxGflop))
            {
                using var a = randn(batch == 1 ? [m, k] : [batch, m, k], dtype: type, device: device);
                using var b = randn(batch == 1 ? [k, n] : [batch, k, n], dtype: type, device: device);
                var time = microrun.Time(() => matmul(a, b));
                results.Add(new GemmMeasurement(precision, m, n, k, batch, time));
            }
            foreach (var (m, n, k) in WeightGradientShapes(quick).Where(s => 2.0 * s.M * s.N * s.K * 1e-9 <= maxGflop))
            {
                using var outputGradient = randn([k, m], dtype: type, device: device);   // dY [T×out]
                using var input = randn([k, n], dtype: type, device: device);            // X [T×in]
                var time = microrun.Time(() => matmul(outputGradient.t(), input));
                results.Add(new GemmMeasurement(precision, m, n, k, 1, time, WeightGradient: true));
            }
            progress($"matmul {precision.Key()}: {results.Count(r => r.Precision == precision)} shapes (weight gradients included)");
        }
        return results;
    }

    private static bool Supported(Device device, ScalarType type)
    {
        try
        {
            using var scope = NewDisposeScope();
            matmul(ones(8, 8, dtype: type, device: device), ones(8, 8, dtype: type, device: device));
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
