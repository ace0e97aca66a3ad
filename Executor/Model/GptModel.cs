using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Model;

/// <summary>
/// A decoder-only transformer built from the same <see cref="ModelSpec"/> the Simulator costs, so the predicted and the
/// executed model are one model: token (and learned position) embeddings, pre-norm blocks, a final norm, and an output layer
/// that is the token embedding when tied (Press &amp; Wolf 2017).
/// </summary>
public sealed class GptModel : nn.Module<Tensor, Tensor>
{
    private readonly Embedding wte;
    private readonly Embedding? wpe;
    private readonly ModuleList<Block> h;
    private readonly nn.Module<Tensor, Tensor> ln_f;
    private readonly Linear? lm_head;

    /// <param name="recompute">Activation recomputation: none, selective (attention core) or full (every block).</param>
    public GptModel(ModelSpec model, bool fusedAttention = true, RecomputeMode recompute = RecomputeMode.None) : base(nameof(GptModel))
    {
        Spec = model.Validated();
        wte = nn.Embedding(model.Vocab, model.Hidden);
        wpe = model.Positions == PositionEmbedding.Learned ? nn.Embedding(model.SequenceLength, model.Hidden) : null;
        Routing = model.Moe is { } moe ? new MoeRouting(Enumerable.Range(0, model.Layers).Count(moe.IsMoeLayer), moe.Experts) : null;
        h = nn.ModuleList([.. Enumerable.Range(0, model.Layers).Select(layer => new Block(model, fusedAttention, recompute, MoeAt(model, layer)))]);
        ln_f = Norm.Of(model);
        lm_head = model.TiedEmbeddings ? null : nn.Linear(model.Hidden, model.Vocab, hasBias: false);
        RegisterComponents();
        Initialise();
    }

    /// <summary>GPT-2's initialisation (Radford et al. 2019; nanoGPT `_init_weights`): matrices and embeddings N(0, 0.02²), biases 0, norm scales 1.</summary>
    private void Initialise()
    {
        using var noGrad = no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Linear linear:
                    nn.init.normal_(linear.weight, 0, 0.02);
                    if (linear.bias is not null) nn.init.zeros_(linear.bias);
                    break;
                case Embedding embedding:
                    nn.init.normal_(embedding.weight, 0, 0.02);
                    break;
            }
        }
    }

    public ModelSpec Spec { get; }

    /// <summary>What the MoE layers share with the training loop (aux-loss scale, routing histogram); null for a dense model.</summary>
    public MoeRouting? Routing { get; }

    /// <summary>The MoE layer of block <paramref name="layer"/> (numbered among the MoE layers), or null where the block is dense (model.moe.denseLayers, layerStep).</summary>
    private MoeLayer? MoeAt(ModelSpec model, int layer) => model.Moe is { } moe && moe.IsMoeLayer(layer)
        ? new MoeLayer(model, moe, Enumerable.Range(0, layer).Count(moe.IsMoeLayer), Routing!)
        : null;

    /// <summary>Token ids (B, T) → logits (B, T, V).</summary>
    public override Tensor forward(Tensor idx)
    {
        long t = idx.shape[1];
        var x = wte.forward(idx);                                                   // (B, T, C)
        if (wpe is not null) x = x + wpe.forward(arange(t, device: idx.device));
        foreach (var block in h) x = block.forward(x);
        x = ln_f.forward(x);
        return lm_head is null ? x.matmul(wte.weight!.t()) : lm_head.forward(x);     // (B, T, V)
    }

    public long ParameterCount => parameters().Sum(p => p.numel());
}
