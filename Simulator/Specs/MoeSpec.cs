namespace ScalePlanner.Simulator.Specs;

/// <summary>How a mixture-of-experts layer picks experts: softmax over the router's logits (Mixtral, Qwen3, gpt-oss, Grok-1), or a sigmoid with a bias that balances the load (DeepSeek-V3's auxiliary-loss-free routing).</summary>
public enum RouterKind { Softmax, SigmoidBias }

/// <summary>
/// Mixture-of-experts feed-forward layers (Shazeer et al. 2017; Fedus et al. 2022): each token goes to <see cref="TopK"/> of
/// <see cref="Experts"/> routed experts of width <see cref="ExpertFfnHidden"/>, plus <see cref="SharedExperts"/> always-on
/// experts of the same width (DeepSeek-V3, Llama 4). The first <see cref="DenseLayers"/> layers keep a dense FFN of the model's
/// ffnHidden (DeepSeek-V3's first_k_dense_replace); after them every <see cref="LayerStep"/>-th layer is MoE (Llama 4's
/// interleave_moe_layer_step: Maverick alternates dense and MoE layers).
/// </summary>
public sealed record MoeSpec
{
    public int Experts { get; init; }
    public int TopK { get; init; }
    public int SharedExperts { get; init; }
    public int ExpertFfnHidden { get; init; }
    public int DenseLayers { get; init; }
    public int LayerStep { get; init; } = 1;
    public RouterKind Router { get; init; } = RouterKind.Softmax;
    /// <summary>Tokens an expert takes at most, as a multiple of its even share; null is dropless (every token is computed).</summary>
    public double? CapacityFactor { get; init; }
    /// <summary>Weight of the auxiliary load-balancing loss (Fedus et al. 2022, eq. 4); 0 without one.</summary>
    public double AuxLossCoefficient { get; init; }
    /// <summary>Tokens of the busiest expert over the mean (1 = perfectly balanced): the expert GEMMs wait for it.</summary>
    public double LoadImbalance { get; init; } = 1.0;

    /// <summary>Whether layer <paramref name="layer"/> (0-based) is an MoE layer.</summary>
    public bool IsMoeLayer(int layer) => layer >= DenseLayers && (layer + 1) % LayerStep == 0;

    /// <summary>Tokens the busiest expert computes, as a multiple of its even share: the imbalance, capped by the capacity factor.</summary>
    public double BusiestExpertShare => CapacityFactor is { } capacity ? Math.Min(capacity, LoadImbalance) : LoadImbalance;

    public MoeSpec Validated(int layers)
    {
        Guard.Positive("model.moe.experts", Experts);
        Guard.Positive("model.moe.topK", TopK);
        if (TopK > Experts) throw new SpecException("model.moe.topK", $"{TopK} is more than the {Experts} experts");
        Guard.NonNegative("model.moe.sharedExperts", SharedExperts);
        Guard.Positive("model.moe.expertFfnHidden", ExpertFfnHidden);
        Guard.NonNegative("model.moe.denseLayers", DenseLayers);
        if (DenseLayers >= layers) throw new SpecException("model.moe.denseLayers", $"{DenseLayers} leaves no MoE layer of the {layers}");
        Guard.Positive("model.moe.layerStep", LayerStep);
        if (CapacityFactor is { } capacity && !(capacity >= 1.0 / TopK && double.IsFinite(capacity)))
            throw new SpecException("model.moe.capacityFactor", $"must be a finite number ≥ 1/topK = {1.0 / TopK:G3}, got {capacity}");
        Guard.NonNegative("model.moe.auxLossCoefficient", AuxLossCoefficient);
        if (!(LoadImbalance >= 1 && LoadImbalance <= Experts))
            throw new SpecException("model.moe.loadImbalance", $"must be between 1 (balanced) and {Experts} (every token on one expert), got {LoadImbalance}");
        return this;
    }
}

/// <summary>
/// Multi-head latent attention (DeepSeek-V2, arXiv 2405.04434 §2.1): queries and keys/values go through low-rank latents
/// (q_a_proj h→qLoraRank, q_b_proj → heads·(nope+rope); kv_a_proj h→kvLoraRank+rope, kv_b_proj → heads·(nope+v); o_proj heads·v→h),
/// with a decoupled rotary key shared by all heads.
/// </summary>
public sealed record MlaSpec(int QLoraRank, int KvLoraRank, int QkNopeHeadDim, int QkRopeHeadDim, int VHeadDim)
{
    public int QkHeadDim => QkNopeHeadDim + QkRopeHeadDim;

    public MlaSpec Validated()
    {
        Guard.NonNegative("model.mla.qLoraRank", QLoraRank);
        Guard.Positive("model.mla.kvLoraRank", KvLoraRank);
        Guard.Positive("model.mla.qkNopeHeadDim", QkNopeHeadDim);
        Guard.NonNegative("model.mla.qkRopeHeadDim", QkRopeHeadDim);
        Guard.Positive("model.mla.vHeadDim", VHeadDim);
        return this;
    }
}
