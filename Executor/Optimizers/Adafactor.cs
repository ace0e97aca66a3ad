using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Optimizers;

/// <summary>
/// Adafactor without momentum (Shazeer &amp; Stern 2018, Alg. 4 and 5 with the defaults of §9): a matrix keeps only row and
/// column sums of its squared gradients (rows + cols numbers), a vector its full second moment. β̂₂ₜ = 1 − t^−0.8,
/// relative step ρₜ = min(10⁻², 1/√t), α = max(ε₂, RMS(W))·ρₜ, update clipping at d = 1. TorchSharp has no Adafactor.
/// </summary>
public sealed class Adafactor(IReadOnlyList<Parameter> parameters, double eps1 = 1e-30, double eps2 = 1e-3, double clip = 1.0)
{
    private readonly Dictionary<Parameter, (Tensor Row, Tensor Column)> factored = [];
    private readonly Dictionary<Parameter, Tensor> full = [];
    private int step;

    /// <summary>Numbers of optimizer state: rows + cols per matrix, the size of every vector.</summary>
    public long StateElements => parameters.Sum(p => p.dim() >= 2 ? p.shape[0] + p.shape[1] : p.numel());

    public void Step()
    {
        step++;
        double decay = Decay(step), rho = RelativeStep(step);
        using var noGrad = no_grad();
        foreach (var p in parameters)
        {
            if (p.grad is not { } g) continue;
            using var scope = NewDisposeScope();
            var squared = Squared(g);
            Tensor update;
            if (p.dim() >= 2)
            {
                if (!factored.TryGetValue(p, out var state))
                    factored[p] = state = (zeros(p.shape[0], dtype: p.dtype).DetachFromDisposeScope(), zeros(p.shape[1], dtype: p.dtype).DetachFromDisposeScope());   // detached: state outlives the caller's per-step dispose scope
                state.Row.mul_(decay).add_(squared.sum(dim: 1), alpha: 1 - decay);        // R = β̂R + (1 − β̂)(G² + ε₁)1
                state.Column.mul_(decay).add_(squared.sum(dim: 0), alpha: 1 - decay);     // C = β̂C + (1 − β̂)1ᵀ(G² + ε₁); `dim:` named: a bare 0 binds to the ScalarType overload
                var second = outer(state.Row, state.Column) / state.Row.sum();       // V̂ = RC / 1ᵀR
                update = g / second.sqrt();
            }
            else
            {
                if (!full.TryGetValue(p, out var v)) full[p] = v = zeros_like(p).DetachFromDisposeScope();
                v.mul_(decay).add_(squared, alpha: 1 - decay);
                update = g / v.sqrt();
            }
            p.sub_(update * (Scale(Rms(update), Rms(p), rho)));
        }
    }

    /// <summary>G² + ε₁, what the second moments accumulate (Alg. 4, lines 5–6).</summary>
    public Tensor Squared(Tensor g) => g.pow(2) + eps1;

    /// <summary>β̂₂ₜ = 1 − t^−0.8 (§7.2).</summary>
    public static double Decay(int t) => 1 - Math.Pow(t, -0.8);

    /// <summary>ρₜ = min(10⁻², 1/√t) (§8).</summary>
    public static double RelativeStep(int t) => Math.Min(1e-2, 1 / Math.Sqrt(t));

    /// <summary>What the update U is multiplied by: 1/max(1, RMS(U)/d) (update clipping, §6) times α = max(ε₂, RMS(W))·ρₜ.</summary>
    public double Scale(double updateRms, double weightRms, double rho) => Math.Max(eps2, weightRms) * rho / Math.Max(1.0, updateRms / clip);

    /// <summary>Writes the step count and each parameter's factored or full second moment (a tag first: 0 none yet, 1 factored, 2 full).</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(step);
        foreach (var p in parameters)
        {
            if (factored.TryGetValue(p, out var state))
            {
                writer.Write((byte)1);
                state.Row.Save(writer);
                state.Column.Save(writer);
            }
            else if (full.TryGetValue(p, out var v))
            {
                writer.Write((byte)2);
                v.Save(writer);
            }
            else writer.Write((byte)0);
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote, for the same parameters in the same order.</summary>
    public void Load(BinaryReader reader)
    {
        step = reader.ReadInt32();
        factored.Clear();
        full.Clear();
        foreach (var p in parameters)
        {
            switch (reader.ReadByte())
            {
                case 1:
                    factored[p] = (Tensor.Load(reader).DetachFromDisposeScope(), Tensor.Load(reader).DetachFromDisposeScope());
                    break;
                case 2:
                    full[p] = Tensor.Load(reader).DetachFromDisposeScope();
                    break;
            }
        }
    }

    private static double Rms(Tensor t) => t.pow(2).mean().sqrt().item<float>();
}
