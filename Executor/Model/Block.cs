using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Model;

/// <summary>A pre-norm transformer block: x + attn(norm(x)), then x + mlp(norm(x)) (Radford et al. 2019, §2.3).</summary>
public sealed class Block : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> ln_1, ln_2;
    private readonly CausalSelfAttention attn;
    private readonly Mlp mlp;

    public Block(ModelSpec model, bool fusedAttention) : base(nameof(Block))
    {
        ln_1 = Norm.Of(model);
        attn = new CausalSelfAttention(model, fusedAttention);
        ln_2 = Norm.Of(model);
        mlp = new Mlp(model);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = x + attn.forward(ln_1.forward(x));
        return x + mlp.forward(ln_2.forward(x));
    }
}
