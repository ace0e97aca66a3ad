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
        var (correction1, correction2) = Corrections(step);
        using var noGrad = no_grad();
        foreach (var p in parameters)
        {
            if (p.grad is not { } g) continue;
            using var scope = NewDisposeScope();
            if (!moments.TryGetValue(p, out var state))
                moments[p] = state = (zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope());   // detached: the moments outlive the caller's per-step dispose scope
            var r = Direction(state.M, state.V, g, p, correction1, correction2);
            p.sub_(r * (LearningRate * Trust(p.norm().item<float>(), r.norm().item<float>())));
        }
    }

    /// <summary>Moves Adam's moments by <paramref name="g"/> and returns r = m̂/(√v̂ + ε) + λw (Alg. 2, lines 6–9).</summary>
    public Tensor Direction(Tensor m, Tensor v, Tensor g, Tensor w, double correction1, double correction2)
    {
        m.mul_(beta1).add_(g, alpha: 1 - beta1);
        v.mul_(beta2).addcmul_(g, g, value: 1 - beta2);
        return m / correction1 / ((v / correction2).sqrt() + eps) + weightDecay * w;
    }

    /// <summary>The layer-wise trust ratio ‖w‖/‖r‖, 1 when either norm is 0.</summary>
    public static double Trust(double weightNorm, double updateNorm) => weightNorm > 0 && updateNorm > 0 ? weightNorm / updateNorm : 1;

    /// <summary>Adam's bias corrections 1 − β₁ᵗ and 1 − β₂ᵗ at step <paramref name="t"/>.</summary>
    public (double First, double Second) Corrections(int t) => (1 - Math.Pow(beta1, t), 1 - Math.Pow(beta2, t));

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
