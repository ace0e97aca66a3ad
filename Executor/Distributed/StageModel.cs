using ScalePlanner.Executor.Model;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// The part of a <see cref="GptModel"/> that one pipeline stage runs, or with virtual stages one model chunk of it (Narayanan et
/// al. SC21 §2.2): the embeddings on the first (virtual) stage, its share of the blocks (equal, or uneven as
/// <see cref="StageSplit"/> gives them; virtual stage k takes the <see cref="StageSplit.InChunk"/> layers after those of virtual
/// stages 0 … k − 1), the final norm and the output layer on the last. Built from the whole model made under the run's seed, so
/// every stage starts from exactly the weights one process would have. With tied embeddings and more than one stage, the last
/// stage holds its own copy of the token embedding as the output layer, and the two copies' gradients are summed over the
/// embedding group (Megatron-LM's treatment of the shared word embedding). The blocks are this rank's <see cref="ShardedBlock"/>s;
/// with tensor parallelism the vocabulary is split too (Shoeybi et al. 2019, §3): the token embedding and an untied output
/// layer are this tensor rank's <see cref="VocabShard"/>, and the loss is <see cref="VocabParallelCrossEntropy"/> over this rank's
/// V/tp logits.
/// </summary>
public sealed class StageModel : nn.Module<Tensor, Tensor>
{
    // Not a Module field: RegisterComponents would adopt the whole model's parameters as this stage's.
    private readonly Action? disposeWhole;
    // The whole Embedding and Linear, or with tensor parallelism this tensor rank's VocabShard of each.
    private readonly nn.Module<Tensor, Tensor>? wte, lm_head;
    private readonly Embedding? wpe;
    private readonly ModuleList<ShardedBlock> h;
    private readonly nn.Module<Tensor, Tensor>? ln_f;
    // A flag, not a Parameter field: RegisterComponents would register such a field as a second copy of the parameter.
    private readonly bool first, last, sharesEmbedding;
    private readonly TensorGroup? tensorGroup;
    private readonly SequenceAttention attention;

    /// <summary>A stage of the whole sequence without recomputation, owning the whole model (tests build stages alone this way).</summary>
    public StageModel(GptModel model, int stage, int stages, TensorGroup? tensorGroup = null, bool fusedAttention = true, StageSplit? split = null)
        : this(model, stage, stages, new ChunkSettings(tensorGroup ?? TensorGroup.Alone(), SequenceAttention.Whole(model.Spec.SequenceLength, fusedAttention), RecomputeMode.None), split)
    {
        disposeWhole = model.Dispose;
    }

    /// <param name="stage">The (virtual) stage this part runs, of <paramref name="stages"/> = pp·vp.</param>
    /// <param name="split">Layers per stage and chunk (uneven with firstStageLayers / lastStageLayers); null: an equal share on every stage.</param>
    public StageModel(GptModel model, int stage, int stages, ChunkSettings settings, StageSplit? split = null) : base(nameof(StageModel))
    {
        Spec = model.Spec;
        first = stage == 0;
        last = stage == stages - 1;
        tensorGroup = settings.TensorGroup.Size > 1 ? settings.TensorGroup : null;
        attention = settings.Attention;
        var parts = model.named_children().ToDictionary(c => c.name, c => c.module);
        var blocks = (ModuleList<Block>)parts["h"];
        var layers = split ?? StageSplit.Of(blocks.Count, new Layout { Pp = stages });
        int offset = Enumerable.Range(0, stage).Sum(layers.InChunk);
        h = nn.ModuleList([.. blocks.Skip(offset).Take(layers.InChunk(stage)).Select(b => new ShardedBlock(b, model.Spec, settings.TensorGroup, attention, settings.Recompute, settings.Experts))]);
        bool tied = !parts.ContainsKey("lm_head");
        var tokens = (Embedding)parts["wte"];
        wte = first || (last && tied) ? Vocabulary(tokens, tokens.weight!) : null;
        wpe = first && parts.TryGetValue("wpe", out var positions) ? (Embedding)positions : null;
        ln_f = last ? (nn.Module<Tensor, Tensor>)parts["ln_f"] : null;
        lm_head = last && parts.GetValueOrDefault("lm_head") is Linear output ? Vocabulary(output, output.weight!) : null;
        sharesEmbedding = tied && stages > 1 && (first || last);
        RegisterComponents();
    }

    public ModelSpec Spec { get; }

    /// <summary>The whole vocabulary-sized module, or with tensor parallelism this tensor rank's rows of its weight.</summary>
    private nn.Module<Tensor, Tensor> Vocabulary(nn.Module<Tensor, Tensor> whole, Tensor weight) =>
        tensorGroup is null ? whole : new VocabShard(weight, tensorGroup);

    private static bool IsTokenEmbedding(string name) => name.StartsWith("wte.", StringComparison.Ordinal);

    /// <summary>
    /// The tied token embedding when the first and the last stage are different ranks: each holds a copy, whose gradients must be
    /// summed between them; null otherwise.
    /// </summary>
    public Parameter? SharedEmbedding => sharesEmbedding ? named_parameters().Single(p => IsTokenEmbedding(p.name)).parameter : null;

    /// <summary>Index of <see cref="SharedEmbedding"/> in <c>parameters()</c>; -1 when there is none.</summary>
    public int SharedEmbeddingIndex => sharesEmbedding ? named_parameters().Select(p => p.name).ToList().FindIndex(IsTokenEmbedding) : -1;

    /// <summary>
    /// Whether the parameter named <paramref name="name"/> belongs to this rank's share of the global gradient norm, so that each
    /// weight is counted once over the model-parallel ranks. Left out: the last stage's copy of a shared embedding (the first stage
    /// counts it) and, on tensor ranks other than 0, the replicated parameters (tensor rank 0 counts them); shards, the blocks'
    /// and the vocabulary's, are distinct on every tensor rank and count on each. Decided by name: TorchSharp hands out a new
    /// wrapper object per call, so parameters cannot be told apart by reference.
    /// </summary>
    public bool CountsInNorm(string name, int tensorRank) =>
        !(sharesEmbedding && last && !first && IsTokenEmbedding(name))
        && (tensorRank == 0 || name.EndsWith(ShardedBlock.ShardSuffix, StringComparison.Ordinal));

    /// <summary>The parameters for which <see cref="CountsInNorm"/> holds, in <c>parameters()</c> order.</summary>
    public IReadOnlyList<Parameter> NormParameters(int tensorRank) =>
        [.. named_parameters().Where(p => CountsInNorm(p.name, tensorRank)).Select(p => p.parameter)];

    /// <summary>
    /// Replicated parameters that see only this tensor rank's positions when sequence parallelism is on, so their gradients are
    /// partial and must be summed over the tensor group (Korthikanti et al. 2022, §4.2.2): inside the blocks (norms, the biases
    /// added after g) and the final norm, which runs before the output layer's f gathers the positions.
    /// </summary>
    public IReadOnlyList<Parameter> SequenceParallelReplicas() =>
        [.. named_parameters().Where(p => IsSequenceParallelReplica(p.name)).Select(p => p.parameter)];

    /// <summary>Whether the parameter named <paramref name="name"/> is one of <see cref="SequenceParallelReplicas"/>.</summary>
    public bool IsSequenceParallelReplica(string name) => tensorGroup is { SequenceParallel: true }
        && (name.StartsWith("h.", StringComparison.Ordinal) || name.StartsWith("ln_f.", StringComparison.Ordinal))
        && !name.EndsWith(ShardedBlock.ShardSuffix, StringComparison.Ordinal);

    /// <summary>What runs around each unit's forward (<see cref="IUnitHooks"/>): overlapped gradient buckets, ZeRO-3's gathers; null: nothing.</summary>
    public IUnitHooks? Hooks { get; set; }

    /// <summary>Index of the first block's unit: 1 when the embeddings form unit 0 on this stage, 0 otherwise.</summary>
    private int FirstBlockUnit => first ? 1 : 0;

    /// <summary>
    /// This stage's parameters, as indices into <c>parameters()</c>, grouped by unit in forward order: the embeddings (first
    /// stage), each block, then the final norm and output layer (last stage), then a last unit (<see cref="UnitKind.AfterBackward"/>
    /// or <see cref="UnitKind.Shared"/>). A parameter belongs to the earliest unit that uses it, whose gradient completes last: on
    /// a stage that is both first and last the tied embedding is in the embedding unit. For gradient buckets
    /// (<paramref name="sharding"/> false) the last unit holds the gradients that are final only after backward: a last stage's
    /// copy of a shared embedding (summed with the first stage's) and, with sequence parallelism, the replicated parameters whose
    /// partial gradients are summed over the tensor group (<see cref="SequenceParallelReplicas"/>). For ZeRO shards
    /// (<paramref name="sharding"/> true) every parameter stays in the unit that uses it, except that a shared embedding forms the
    /// last unit on both its stages, so the two copies' shards line up.
    /// </summary>
    public IReadOnlyList<ModelUnit> Units(bool sharding = false)
    {
        bool sharedCopy = sharesEmbedding && last && !first;
        int head = FirstBlockUnit + h.Count, closing = head + (last ? 1 : 0);
        var grouped = Enumerable.Range(0, closing + 1).Select(_ => new List<int>()).ToArray();
        int index = 0;
        foreach (var (name, _) in named_parameters())
        {
            bool embedding = IsTokenEmbedding(name) || name.StartsWith("wpe.", StringComparison.Ordinal);
            bool apart = sharding ? sharesEmbedding && IsTokenEmbedding(name) : IsSequenceParallelReplica(name) || (sharedCopy && embedding);
            int unit = apart ? closing
                : name.StartsWith("h.", StringComparison.Ordinal) ? FirstBlockUnit + int.Parse(name.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture)
                : embedding ? 0
                : head;
            grouped[unit].Add(index++);
        }
        return [.. grouped.Select((members, unit) => new ModelUnit(members,
            unit == closing ? (sharding ? UnitKind.Shared : UnitKind.AfterBackward)
            : unit >= FirstBlockUnit && unit < head ? UnitKind.Block
            : unit == head ? UnitKind.Head : UnitKind.Embeddings))];
    }

    /// <summary>
    /// First stage: token ids (B, T); later stages: hidden states (B, T, C). Last stage returns logits (B, T, V), or with tensor
    /// parallelism this rank's (B, T, V/tp); others hidden states (B, T, C). T is this rank's share with context parallelism.
    /// </summary>
    public override Tensor forward(Tensor x)
    {
        if (first)
        {
            long t = x.shape[1];
            x = wte!.forward(x);                                                    // (B, T, C)
            if (wpe is not null) x = x + wpe.forward(attention.Positions(t).to(x.device));
        }
        if (tensorGroup is not null) x = tensorGroup.EnterSequence(x);
        for (int i = 0; i < h.Count; i++) x = Run(FirstBlockUnit + i, h[i], x);
        if (!last) return tensorGroup is null ? x : tensorGroup.LeaveSequence(x);
        x = Run(FirstBlockUnit + h.Count, ln_f!, x);                                 // with sequence parallelism on this rank's T/tp positions
        return Logits(x);
    }

    private Tensor Run(int unit, nn.Module<Tensor, Tensor> module, Tensor x) =>
        Hooks is { } hooks ? hooks.Leaving(unit, module.forward(hooks.Entering(unit, x))) : module.forward(x);

    /// <summary>The output layer, or the token embedding when tied (Press &amp; Wolf 2017): (B, T, V), or this rank's (B, T, V/tp).</summary>
    private Tensor Logits(Tensor x) => (lm_head ?? wte) switch
    {
        VocabShard shard => shard.Logits(x),                                       // f gathers the positions under sequence parallelism
        Embedding tied => x.matmul(tied.weight!.t()),
        var head => head!.forward(x),
    };

    /// <summary>
    /// Mean cross-entropy in fp32 of the last stage's logits against the targets (B, T); with tensor parallelism over this rank's
    /// share of the vocabulary (<see cref="VocabParallelCrossEntropy"/>).
    /// </summary>
    public Tensor Loss(Tensor logits, Tensor targets) => tensorGroup is null
        ? nn.functional.cross_entropy(logits.to(float32).view(-1, Spec.Vocab), targets.reshape(-1))
        : VocabParallelCrossEntropy.Mean(logits.to(float32), targets, tensorGroup);

    protected override void Dispose(bool disposing)
    {
        if (disposing) disposeWhole?.Invoke();
        base.Dispose(disposing);
    }
}
