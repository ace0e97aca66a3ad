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

    public int HeadDim => Hidden / Heads;
    public int KvHidden => KvHeads * HeadDim;

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
        Guard.DividedBy("model.hidden", Hidden, "model.heads", Heads);
        Guard.DividedBy("model.heads", Heads, "model.kvHeads", KvHeads);
        return this;
    }

    /// <summary>Weight matrices of one block as (rows = inputs, cols = outputs), the shapes the GEMMs and Adafactor see.</summary>
    public IEnumerable<(long Rows, long Cols)> BlockMatrices()
    {
        yield return (Hidden, Hidden);              // query
        yield return (Hidden, KvHidden);            // key
        yield return (Hidden, KvHidden);            // value
        yield return (Hidden, Hidden);              // attention output
        yield return (Hidden, FfnHidden);           // MLP up
        if (GatedMlp) yield return (Hidden, FfnHidden); // MLP gate (SwiGLU, Shazeer 2020)
        yield return (FfnHidden, Hidden);           // MLP down
    }

    /// <summary>Vector parameters of one block: biases and norm scales (and shifts for LayerNorm).</summary>
    public long BlockVectorParameters()
    {
        long norms = 2L * NormParameters;
        long biases = Biases ? Hidden + 2L * KvHidden + Hidden + FfnHidden * (GatedMlp ? 2L : 1L) + Hidden : 0;
        return norms + biases;
    }

    public long NormParameters => Norm == NormKind.LayerNorm ? 2L * Hidden : Hidden;

    /// <summary>The sum of <see cref="BlockMatrices"/> in closed form (no iterator: the search calls it per candidate).</summary>
    public long BlockMatrixParameters() =>
        2L * Hidden * Hidden + 2L * Hidden * KvHidden + (GatedMlp ? 3L : 2L) * Hidden * FfnHidden;

    public long BlockParameters => BlockMatrixParameters() + BlockVectorParameters();

    /// <summary>Token embedding (plus learned position table); the output projection when untied.</summary>
    public long EmbeddingParameters => (long)Vocab * Hidden + (Positions == PositionEmbedding.Learned ? (long)SequenceLength * Hidden : 0);

    public long OutputParameters => TiedEmbeddings ? 0 : (long)Vocab * Hidden;

    /// <summary>Exact parameter count: embeddings + L blocks + final norm + untied output layer.</summary>
    public long ParameterCount => EmbeddingParameters + Layers * BlockParameters + NormParameters + OutputParameters;
}
