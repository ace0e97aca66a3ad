namespace ScalePlanner.Simulator.Specs;

public enum NormKind { LayerNorm, RmsNorm }

public enum PositionEmbedding { Learned, Rotary }

/// <summary>
/// A decoder-only transformer. GPT-2/3 and Megatron GPT: learned positions, biases, LayerNorm, GeLU MLP (Radford et al. 2019;
/// Brown et al. 2020). Llama: rotary positions, no biases, RMSNorm, SwiGLU, grouped-query attention (Touvron et al. 2023).
/// </summary>
public sealed record ModelSpec
{
    public string Name { get; init; } = "custom";
    public int Layers { get; init; }
    public int Hidden { get; init; }
    public int Heads { get; init; }
    public int KvHeads { get; init; }
    public int FfnHidden { get; init; }
    public bool GatedMlp { get; init; }
    public int Vocab { get; init; }
    public int SequenceLength { get; init; }
    public bool TiedEmbeddings { get; init; }
    public bool Biases { get; init; }
    public NormKind Norm { get; init; } = NormKind.LayerNorm;
    public PositionEmbedding Positions { get; init; } = PositionEmbedding.Learned;
    /// <summary>Dropout after attention probabilities and after each projection (GPT-2/3 and Megatron, p = 0.1); modern recipes train without.</summary>
    public bool Dropout { get; init; }
    /// <summary>Width of one attention head; 0 is hidden/heads (Qwen3 and gpt-oss set it apart from the hidden size).</summary>
    public int HeadDimension { get; init; }
    /// <summary>Mixture-of-experts feed-forward layers; null: every layer dense.</summary>
    public MoeSpec? Moe { get; init; }
    /// <summary>Multi-head latent attention; null: multi-head or grouped-query attention.</summary>
    public MlaSpec? Mla { get; init; }
    /// <summary>Multi-token prediction modules on the last stage (DeepSeek-V3: 1), each one more block and projection; not in the parameter count.</summary>
    public int MtpLayers { get; init; }

    public int HeadDim => HeadDimension > 0 ? HeadDimension : Hidden / Heads;
    public int KvHidden => KvHeads * HeadDim;
    /// <summary>Width of the queries (and of the attention output): heads × head dimension.</summary>
    public int QueryWidth => Heads * HeadDim;

    /// <summary>Rejects sizes the model cannot have; the message names the field and what is allowed.</summary>
    public ModelSpec Validated()
    {
        Guard.Positive("model.layers", Layers);
        Guard.Positive("model.hidden", Hidden);
        Guard.Positive("model.heads", Heads);
        Guard.Positive("model.kvHeads", KvHeads);
        Guard.Positive("model.ffnHidden", FfnHidden);
        Guard.Positive("model.vocab", Vocab);
        Guard.Positive("model.sequenceLength", SequenceLength);
        if (HeadDimension == 0) Guard.DividedBy("model.hidden", Hidden, "model.heads", Heads);
        Guard.NonNegative("model.headDim", HeadDimension);
        Guard.DividedBy("model.heads", Heads, "model.kvHeads", KvHeads);
        Guard.NonNegative("model.mtpLayers", MtpLayers);
        Moe?.Validated(Layers);
        Mla?.Validated();
        return this;
    }

    /// <summary>Weight matrices of one dense block as (rows = inputs, cols = outputs), the shapes the GEMMs and Adafactor see.</summary>
    public IEnumerable<(long Rows, long Cols)> BlockMatrices()
    {
        if (Mla is { } mla)
        {
            if (mla.QLoraRank > 0) yield return (Hidden, mla.QLoraRank);                       // q_a_proj
            yield return (mla.QLoraRank > 0 ? mla.QLoraRank : Hidden, (long)Heads * mla.QkHeadDim); // q_b_proj (or wq)
            yield return (Hidden, mla.KvLoraRank + mla.QkRopeHeadDim);                        // kv_a_proj_with_mqa
            yield return (mla.KvLoraRank, (long)Heads * (mla.QkNopeHeadDim + mla.VHeadDim));    // kv_b_proj
            yield return ((long)Heads * mla.VHeadDim, Hidden);                                // o_proj
        }
        else
        {
            yield return (Hidden, QueryWidth);          // query
            yield return (Hidden, KvHidden);            // key
            yield return (Hidden, KvHidden);            // value
            yield return (QueryWidth, Hidden);          // attention output
        }
        yield return (Hidden, FfnHidden);           // MLP up
        if (GatedMlp) yield return (Hidden, FfnHidden); // MLP gate (SwiGLU, Shazeer 2020)
        yield return (FfnHidden, Hidden);           // MLP down
    }

    /// <summary>Vector parameters of one dense block: biases and norm scales (and shifts for LayerNorm), MLA's two latent norms.</summary>
    public long BlockVectorParameters() => AttentionVectorParameters() + (Biases ? FfnHidden * (GatedMlp ? 2L : 1L) + Hidden : 0);

    /// <summary>The attention's and the block's norms and biases, without the FFN's.</summary>
    public long AttentionVectorParameters()
    {
        long norms = 2L * NormParameters + (Mla is { } mla ? mla.QLoraRank + mla.KvLoraRank : 0);
        long biases = Biases ? QueryWidth + 2L * KvHidden + Hidden : 0;
        return norms + biases;
    }

    public long NormParameters => Norm == NormKind.LayerNorm ? 2L * Hidden : Hidden;

    /// <summary>The attention's weight matrices in closed form (no iterator: the search calls it per candidate).</summary>
    public long AttentionMatrixParameters() => Mla is { } mla
        ? (mla.QLoraRank > 0 ? (long)Hidden * mla.QLoraRank + (long)mla.QLoraRank * Heads * mla.QkHeadDim : (long)Hidden * Heads * mla.QkHeadDim)
          + (long)Hidden * (mla.KvLoraRank + mla.QkRopeHeadDim) + (long)mla.KvLoraRank * Heads * (mla.QkNopeHeadDim + mla.VHeadDim)
          + (long)Heads * mla.VHeadDim * Hidden
        : 2L * Hidden * QueryWidth + 2L * Hidden * KvHidden;

    /// <summary>An FFN of <paramref name="width"/> (an expert or the dense MLP): up, gate when gated, down.</summary>
    public long FfnParameters(int width) => (GatedMlp ? 3L : 2L) * Hidden * width;

    /// <summary>The sum of <see cref="BlockMatrices"/> in closed form.</summary>
    public long BlockMatrixParameters() => AttentionMatrixParameters() + FfnParameters(FfnHidden);

    /// <summary>Parameters of one dense block.</summary>
    public long BlockParameters => BlockMatrixParameters() + BlockVectorParameters();

    /// <summary>Token embedding (plus learned position table); the output projection when untied.</summary>
    public long EmbeddingParameters => (long)Vocab * Hidden + (Positions == PositionEmbedding.Learned ? (long)SequenceLength * Hidden : 0);

    public long OutputParameters => TiedEmbeddings ? 0 : (long)Vocab * Hidden;

    /// <summary>Exact parameter count: embeddings + the dense and MoE blocks + final norm + untied output layer (multi-token prediction modules left out, as DeepSeek counts 671B).</summary>
    public long ParameterCount => EmbeddingParameters + (Layers - MoeLayers) * BlockParameters + MoeLayers * MoeBlockParameters(Moe?.Experts ?? 0) + NormParameters + OutputParameters;

    /// <summary>Parameters one token passes through: the routed experts it goes to instead of all of them (embeddings counted; vendors differ on that).</summary>
    public long ActiveParameterCount => EmbeddingParameters + (Layers - MoeLayers) * BlockParameters + MoeLayers * MoeBlockParameters(Moe?.TopK ?? 0) + NormParameters + OutputParameters;

    /// <summary>How many layers are MoE layers.</summary>
    public int MoeLayers => Moe is { } moe ? Enumerable.Range(0, Layers).Count(moe.IsMoeLayer) : 0;

    /// <summary>One MoE block with <paramref name="routedExperts"/> routed experts counted: attention, norms, router, routed and shared experts.</summary>
    public long MoeBlockParameters(int routedExperts) => Moe is not { } moe ? 0
        : AttentionMatrixParameters() + AttentionVectorParameters() + MoeRouterParameters + (long)(routedExperts + moe.SharedExperts) * FfnParameters(moe.ExpertFfnHidden);

    /// <summary>The router of one MoE layer: hidden × experts, and DeepSeek-V3's per-expert balancing bias.</summary>
    public long MoeRouterParameters => Moe is not { } moe ? 0 : (long)Hidden * moe.Experts + (moe.Router == RouterKind.SigmoidBias ? moe.Experts : 0);
}
