using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Training;

/// <summary>
/// bf16 mixed precision: the model computes in bf16 while the optimizer updates fp32 master copies of its weights, which are
/// then rounded back into the model (Micikevicius et al. 2018, §3.1). bf16 keeps fp32's exponent range, so no loss scaling is
/// needed (Kalamkar et al. 2019).
/// </summary>
public sealed class MasterWeights : IDisposable
{
    private readonly IReadOnlyList<Parameter> working;

    /// <summary>Takes fp32 copies of the (still fp32) weights, then turns the model to bf16.</summary>
    public MasterWeights(nn.Module model)
    {
        Masters = [.. model.parameters().Select(p => new Parameter(p.detach().to(float32).clone()))];
        model.to(ScalarType.BFloat16);
        working = [.. model.parameters()];
    }

    public IReadOnlyList<Parameter> Masters { get; }

    /// <summary>The bf16 gradients, widened to fp32, become the masters' gradients (copied into the same buffers every step).</summary>
    public void TakeGradients()
    {
        using var noGrad = no_grad();
        for (int i = 0; i < working.Count; i++)
        {
            if (working[i].grad is not { } g) continue;
            if (Masters[i].grad is { } existing) existing.copy_(g);
            else Masters[i].grad = g.to(float32).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The updated masters, rounded to bf16, become the model's weights.</summary>
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
