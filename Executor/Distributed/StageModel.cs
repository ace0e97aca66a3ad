using ScalePlanner.Executor.Model;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// The part of a <see cref="GptModel"/> that one pipeline stage runs: the embeddings on the first stage, its share of the
/// blocks (equal, or uneven as <see cref="StageSplit"/> gives them), the final norm and the output layer on the last (Narayanan et al. SC21 §2.2). Built from the whole
/// model made under the run's seed, so every stage starts from exactly the weights one process would have. With tied embeddings
/// and more than one stage, the last stage holds its own copy of the token embedding as the output layer, and the two copies'
/// gradients are summed over the embedding group (Megatron-LM's treatment of the shared word embedding). With tensor
/// parallelism the blocks are <see cref="TensorParallelBlock"/>s and the vocabulary is split too (Shoeybi et al. 2019, §3): the
/// token embedding and an untied output layer are this tensor rank's <see cref="VocabShard"/>, and the loss is
/// <see cref="VocabParallelCrossEntropy"/> over this rank's V/tp logits.
/// </summary>
public sealed class StageModel : nn.Module<Tensor, Tensor>
{
    // Not a Module field: RegisterComponents would adopt the whole model's parameters as this stage's.
    private readonly Action disposeWhole;
    // The whole Embedding and Linear, or with tensor parallelism this tensor rank's VocabShard of each.
    private readonly nn.Module<Tensor, Tensor>? wte, lm_head;
    private readonly Embedding? wpe;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> h;
    private readonly nn.Module<Tensor, Tensor>? ln_f;
    // A flag, not a Parameter field: RegisterComponents would register such a field as a second copy of the parameter.
    private readonly bool first, last, sharesEmbedding;
    private readonly TensorGroup? tensorGroup;

    /// <param name="tensorGroup">With more than one rank, each block is replaced by this rank's <see cref="TensorParallelBlock"/> and the vocabulary by its <see cref="VocabShard"/>.</param>
    /// <param name="split">Layers per stage (uneven with firstStageLayers / lastStageLayers); null: an equal share on every stage.</param>
    public StageModel(GptModel model, int stage, int stages, TensorGroup? tensorGroup = null, bool fusedAttention = true, StageSplit? split = null) : base(nameof(StageModel))
    {
        disposeWhole = model.Dispose;
        Spec = model.Spec;
        first = stage == 0;
        this.tensorGroup = tensorGroup is { Size: > 1 } ? tensorGroup : null;
        last = stage == stages - 1;
        var parts = model.named_children().ToDictionary(c => c.name, c => c.module);
        var blocks = (ModuleList<Block>)parts["h"];
        var layers = split ?? StageSplit.Of(blocks.Count, new Layout { Pp = stages });
        var mine = blocks.Skip(layers.FirstLayerOf(stage)).Take(layers.OnStage(stage));
        h = nn.ModuleList<nn.Module<Tensor, Tensor>>([.. tensorGroup is { Size: > 1 } group
            ? mine.Select(nn.Module<Tensor, Tensor> (b) => new TensorParallelBlock(b, model.Spec, fusedAttention, group))
            : mine]);
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

    /// <summary>
    /// Whether the parameter named <paramref name="name"/> belongs to this rank's share of the global gradient norm, so that each
    /// weight is counted once over the model-parallel ranks. Left out: the last stage's copy of a shared embedding (the first stage
    /// counts it) and, on tensor ranks other than 0, the replicated parameters (tensor rank 0 counts them); shards, the blocks'
    /// and the vocabulary's, are distinct on every tensor rank and count on each. Decided by name: TorchSharp hands out a new
    /// wrapper object per call, so parameters cannot be told apart by reference.
    /// </summary>
    public bool CountsInNorm(string name, int tensorRank) =>
        !(sharesEmbedding && last && !first && IsTokenEmbedding(name))
        && (tensorRank == 0 || name.EndsWith(TensorParallelBlock.ShardSuffix, StringComparison.Ordinal));

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

    private bool IsSequenceParallelReplica(string name) => tensorGroup is { SequenceParallel: true }
        && (name.StartsWith("h.", StringComparison.Ordinal) || name.StartsWith("ln_f.", StringComparison.Ordinal))
        && !name.EndsWith(TensorParallelBlock.ShardSuffix, StringComparison.Ordinal);

    /// <summary>
    /// Called during backward with a unit's index (see <see cref="Units"/>) once that unit's weight gradients are complete; null
    /// (the default) leaves the forward pass untouched.
    /// </summary>
    public Action<int>? UnitReady { get; set; }

    /// <summary>Index of the first block's unit: 1 when the embeddings form unit 0 on this stage, 0 otherwise.</summary>
    private int FirstBlockUnit => first ? 1 : 0;

    private Tensor Signal(Tensor x, int unit) => UnitReady is { } ready ? TwoWay.Of(x, input => input.clone(), gradient =>
    {
        ready(unit);
        return gradient;
    }) : x;

    /// <summary>
    /// This stage's parameters grouped by unit in forward order: the embeddings (first stage), each block, then the final norm
    /// and output layer (last stage), then a unit that never reports. A parameter belongs to the earliest unit that uses it,
    /// whose gradient completes last: on a stage that is both first and last the tied embedding is in the embedding unit.
    /// The unit that never reports holds the gradients that are final only after backward: a last stage's copy of a shared
    /// embedding (summed with the first stage's) and, with sequence parallelism, the replicated parameters whose partial
    /// gradients are summed over the tensor group (<see cref="SequenceParallelReplicas"/>).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Parameter>> Units()
    {
        bool sharedCopy = sharesEmbedding && last && !first;
        int head = FirstBlockUnit + h.Count, afterBackward = head + (last ? 1 : 0);
        var grouped = Enumerable.Range(0, afterBackward + 1).Select(_ => new List<Parameter>()).ToArray();
        foreach (var (name, parameter) in named_parameters())
        {
            bool embedding = IsTokenEmbedding(name) || name.StartsWith("wpe.", StringComparison.Ordinal);
            int unit = IsSequenceParallelReplica(name) || (sharedCopy && embedding) ? afterBackward
                : name.StartsWith("h.", StringComparison.Ordinal) ? FirstBlockUnit + int.Parse(name.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture)
                : embedding ? 0
                : head;
            grouped[unit].Add(parameter);
        }
        return grouped;
    }

    /// <summary>
    /// First stage: token ids (B, T); later stages: hidden states (B, T, C). Last stage returns logits (B, T, V), or with tensor
    /// parallelism this rank's (B, T, V/tp); others hidden states (B, T, C).
    /// </summary>
    public override Tensor forward(Tensor x)
    {
        if (first)
        {
            long t = x.shape[1];
            x = wte!.forward(x);                                                    // (B, T, C)
            if (wpe is not null) x = x + wpe.forward(arange(t, device: x.device));
        }
        if (tensorGroup is not null) x = tensorGroup.EnterSequence(x);
        for (int i = 0; i < h.Count; i++) x = h[i].forward(Signal(x, FirstBlockUnit + i));
        if (!last) return tensorGroup is null ? x : tensorGroup.LeaveSequence(x);
        x = ln_f!.forward(Signal(x, FirstBlockUnit + h.Count));                    // with sequence parallelism on this rank's T/tp positions
        return Logits(x);
    }

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
        if (disposing) disposeWhole();
        base.Dispose(disposing);
    }
}
