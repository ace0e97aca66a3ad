using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Training;

/// <summary>
/// Mixed precision: the model computes in a half format (bf16 or fp16) while the optimizer updates fp32 master copies of its
/// weights, which are then rounded back into the model (Micikevicius et al. 2018, §3.1). bf16 keeps fp32's exponent range, so
/// it needs no loss scaling (Kalamkar et al. 2019); fp16 does (<see cref="DynamicLossScaler"/>), and its gradients arrive here
/// multiplied by the loss scale.
/// </summary>
public sealed class MasterWeights : IDisposable
{
    private readonly IReadOnlyList<Parameter> working;

    /// <summary>Takes fp32 copies of the (still fp32) weights, then turns the model to <paramref name="half"/>.</summary>
    public MasterWeights(nn.Module model, ScalarType half) : this([model], half) { }

    /// <summary>The same over several modules (a rank's model chunks), their parameters in order.</summary>
    public MasterWeights(IReadOnlyList<nn.Module> modules, ScalarType half)
    {
        Masters = [.. modules.SelectMany(m => m.parameters()).Select(p => new Parameter(p.detach().to(float32).clone()))];
        foreach (var module in modules) module.to(half);
        working = [.. modules.SelectMany(m => m.parameters())];
    }

    public IReadOnlyList<Parameter> Masters { get; }

    /// <summary>The model's half-precision parameters, in the masters' order.</summary>
    public IReadOnlyList<Parameter> Working => working;

    /// <summary>The half-precision gradients, widened to fp32 and divided by the loss scale, become the masters' gradients (the same buffers every step).</summary>
    public void TakeGradients(double lossScale)
    {
        for (int i = 0; i < working.Count; i++) TakeGradient(i, lossScale);
    }

    /// <summary>Parameter <paramref name="i"/>'s gradient widened to fp32 (and divided by the loss scale) as its master's gradient; null when it has none.</summary>
    public Tensor? TakeGradient(int i, double lossScale = 1)
    {
        using var noGrad = no_grad();
        if (working[i].grad is not { } g) return null;
        if (Masters[i].grad is { } existing) existing.copy_(g);
        else Masters[i].grad = g.to(float32).MoveToOuterDisposeScope();
        if (lossScale != 1) Masters[i].grad!.div_(lossScale);
        return Masters[i].grad;
    }

    /// <summary>The updated masters, rounded to the half format, become the model's weights.</summary>
    public void UpdateModel()
    {
        using var noGrad = no_grad();
        for (int i = 0; i < working.Count; i++) working[i].copy_(Masters[i]);
    }

    public void Dispose()
    {
        foreach (var master in Masters) master.Dispose();
    }
}
