using ScalePlanner.Simulator.Specs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Model;

/// <summary>The feed-forward block: GeLU(x·W_up)·W_down (Radford et al. 2019), or SwiGLU (SiLU(x·W_gate) ⊙ x·W_up)·W_down (Shazeer 2020).</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear up_proj, down_proj;
    private readonly Linear? gate_proj;

    public Mlp(ModelSpec model) : this(model, model.FfnHidden, model.Biases) { }

    /// <param name="width">The hidden width: the model's ffnHidden, or an expert's (model.moe.expertFfnHidden, times the shared experts for the shared one).</param>
    /// <param name="biases">Whether the projections have biases: model.biases for the dense MLP; none for experts.</param>
    public Mlp(ModelSpec model, int width, bool biases) : base(nameof(Mlp))
    {
        up_proj = nn.Linear(model.Hidden, width, hasBias: biases);
        gate_proj = model.GatedMlp ? nn.Linear(model.Hidden, width, hasBias: biases) : null;
        down_proj = nn.Linear(width, model.Hidden, hasBias: biases);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => down_proj.forward(gate_proj is null
        ? nn.functional.gelu(up_proj.forward(x))
        : nn.functional.silu(gate_proj.forward(x)) * up_proj.forward(x));
}
