using ScalePlanner.Calibration.Measurement;
using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;
using TorchSharp;
using static TorchSharp.torch;

namespace ScalePlanner.Calibration.Kernels;

/// <summary>
/// Memory-bound kernels on one precision's tensors (fp32, bf16 or fp16: on a CPU a half format streams more slowly than its
/// bytes suggest, since each element is widened to fp32 to compute) over sizes from cache-resident to far beyond the last-level
/// cache. Bytes follow the cost model's conventions, with the precision's element size: copy reads and writes (2 per element), add and multiply read two and write a new tensor (3), layer norm,
/// GeLU and the masked softmax read and write once (2), their backward kernels read the input (or output) and the incoming
/// gradient and write the outgoing one (3), and the optimizer step moves <see cref="OptimizerCosts.StepBytesPerParameter"/>
/// bytes per parameter (AdamW after global-norm clipping, as the executor runs it). The softmax is the attention's: an additive
/// causal mask, then softmax. Backward kernels are timed alone, through autograd.grad on a kept graph.
/// </summary>
public static class MemorySweep
{
    private const int RowLength = 1024;
    /// <summary>The masked softmax runs on 256×256 score blocks, an attention row length, so sizes down to 256 KB can be measured.</summary>
    private const int ScoreLength = 256;

    public static long[] Elements(bool quick) => quick
        ? [16_384, 131_072, 1_048_576, 4_194_304, 16_777_216]
        : [8_192, 32_768, 131_072, 524_288, 2_097_152, 8_388_608, 33_554_432, 67_108_864];

    /// <remarks>The optimizer step updates fp32 master weights whatever the model computes in, so it is measured with fp32 only.</remarks>
    public static List<MemoryMeasurement> Run(Device device, Precision precision, bool quick, Microrun microrun, Action<string> progress)
    {
        var results = new List<MemoryMeasurement>();
        var type = TorchTypes.Of(precision);
        using var mask = full(ScoreLength, ScoreLength, float.NegativeInfinity, device: device).triu(1).to(type);
        foreach (long n in Elements(quick))
        {
            using var a = randn([n / RowLength, RowLength], device: device).to(type);
            using var b = randn([n / RowLength, RowLength], device: device).to(type);
            using var c = empty_like(a);
            int e = precision == Precision.Fp32 ? sizeof(float) : sizeof(ushort);
            Add(MemoryKernel.Copy, "copy", 2 * n * e, () => c.copy_(a));
            Add(MemoryKernel.Elementwise, "add", 3 * n * e, () => add(a, b));
            Add(MemoryKernel.Elementwise, "multiply", 3 * n * e, () => mul(a, b));
            Add(MemoryKernel.Normalization, "layer_norm", 2 * n * e, () => nn.functional.layer_norm(a, [RowLength]));
            Add(MemoryKernel.Activation, "gelu", 2 * n * e, () => nn.functional.gelu(a));
            bool wholeScoreBlocks = n % (ScoreLength * ScoreLength) == 0;   // the masked softmax needs whole s×s blocks
            if (wholeScoreBlocks) Add(MemoryKernel.Softmax, "masked_softmax", 2 * n * e, () => a.view(-1, ScoreLength, ScoreLength).add(mask).softmax(-1));
            using var x = a.detach().requires_grad_(true);
            using var gamma = ones(RowLength, device: device, dtype: type).requires_grad_(true);
            using var beta = zeros(RowLength, device: device, dtype: type).requires_grad_(true);
            AddBackward(MemoryKernel.NormalizationBackward, "layer_norm backward", 3 * n * e, nn.functional.layer_norm(x, [RowLength], gamma, beta), [x, gamma, beta]);
            AddBackward(MemoryKernel.ActivationBackward, "gelu backward", 3 * n * e, nn.functional.gelu(x), [x]);
            if (wholeScoreBlocks)
            {
                using var scores = x.view(-1, ScoreLength, ScoreLength).add(mask);
                AddBackward(MemoryKernel.SoftmaxBackward, "masked_softmax backward", 3 * n * e, scores.softmax(-1), [x]);
            }
            if (precision == Precision.Fp32) AddOptimizerStep(n);
        }
        progress($"memory kernels ({precision.Key()}): {results.Count} measurements");
        return results;

        void Add(MemoryKernel kernel, string op, long bytes, Action action) => results.Add(new MemoryMeasurement(kernel, op, bytes, microrun.Time(action), precision));

        // The backward of one forward output, given the incoming gradient, without accumulating into .grad.
        void AddBackward(MemoryKernel kernel, string op, long bytes, Tensor output, Tensor[] inputs)
        {
            using (output)
            using (var gradient = randn_like(output))
                Add(kernel, op, bytes, () => torch.autograd.grad([output], inputs, [gradient], retain_graph: true));
        }

        // AdamW after clipping the global norm, as the executor's trainer steps, over several tensors as a model has (the per-tensor
        // loop is part of the cost; eight is an arbitrary small count).
        void AddOptimizerStep(long n)
        {
            using var scope = NewDisposeScope();
            var parameters = Enumerable.Range(0, 8).Select(_ => new TorchSharp.Modules.Parameter(randn(n / 8, device: device))).ToArray();
            foreach (var parameter in parameters) parameter.grad = randn_like(parameter);
            using var optimizer = optim.AdamW(parameters, 1e-4);
            double bytes = n * OptimizerCosts.StepBytesPerParameter(Simulator.Layouts.OptimizerKind.AdamW, Precision.Fp32, adafactorFraction: 0);
            Add(MemoryKernel.OptimizerStep, "adamw step", (long)bytes, () =>
            {
                nn.utils.clip_grad_norm_(parameters, 1.0);
                optimizer.step();
            });
            foreach (var parameter in parameters) parameter.Dispose();   // parameters are not tensors the scope owns
        }
    }
}
