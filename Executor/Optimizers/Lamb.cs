using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Optimizers;

/// <summary>
/// LAMB (You et al. 2020, Alg. 2): Adam's bias-corrected moments give r = m̂/(√v̂ + ε) + λw; each tensor moves by
/// η·(‖w‖/‖r‖)·r, the layer-wise trust ratio (1 when either norm is 0). TorchSharp has no LAMB.
/// </summary>
public sealed class Lamb(IReadOnlyList<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-6, double weightDecay = 0.01)
{
    private readonly Dictionary<Parameter, (Tensor M, Tensor V)> moments = [];
    private int step;

    public double LearningRate { get; set; } = lr;

    /// <summary>Two moments per parameter, as for Adam.</summary>
    public long StateElements => 2 * parameters.Sum(p => p.numel());

    public void Step()
    {
        step++;
        double correction1 = 1 - Math.Pow(beta1, step), correction2 = 1 - Math.Pow(beta2, step);
        using var noGrad = no_grad();
        foreach (var p in parameters)
        {
            if (p.grad is not { } g) continue;
            using var scope = NewDisposeScope();
            if (!moments.TryGetValue(p, out var state))
                moments[p] = state = (zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope());   // detached: the moments outlive the caller's per-step dispose scope
            state.M.mul_(beta1).add_(g, alpha: 1 - beta1);
            state.V.mul_(beta2).addcmul_(g, g, value: 1 - beta2);
            var r = state.M / correction1 / ((state.V / correction2).sqrt() + eps) + weightDecay * p;
            double weightNorm = p.norm().item<float>(), updateNorm = r.norm().item<float>();
            double trust = weightNorm > 0 && updateNorm > 0 ? weightNorm / updateNorm : 1;
            p.sub_(r * (LearningRate * trust));
        }
    }

    /// <summary>Writes the step count and each parameter's moments (a flag first: a parameter without gradients yet has none).</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(step);
        foreach (var p in parameters)
        {
            bool has = moments.TryGetValue(p, out var state);
            writer.Write(has);
            if (!has) continue;
            state.M.Save(writer);
            state.V.Save(writer);
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote, for the same parameters in the same order.</summary>
    public void Load(BinaryReader reader)
    {
        step = reader.ReadInt32();
        moments.Clear();
        foreach (var p in parameters)
        {
            if (!reader.ReadBoolean()) continue;
            moments[p] = (Tensor.Load(reader).DetachFromDisposeScope(), Tensor.Load(reader).DetachFromDisposeScope());
        }
    }
}
