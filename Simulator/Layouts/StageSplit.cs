using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Layouts;

/// <summary>
/// Transformer layers per pipeline stage and per model chunk. Even by default; with firstStageLayers / lastStageLayers
/// (Megatron-LM's --decoder-first-pipeline-num-layers / --decoder-last-pipeline-num-layers) the first and the last stage hold
/// those counts and the other stages split the rest evenly, a remainder refused. Each stage's layers split evenly over its vp
/// chunks; the first and the last stage may hold one layer fewer than that, taken from the chunk at the model's end (the
/// embedding's, the head's). That is where Megatron-Core's account_for_embedding_in_pipeline_split and
/// account_for_loss_in_pipeline_split put it: 126 layers on pp=8·vp=8, counting embedding and loss as a layer each, is
/// firstStageLayers=15, lastStageLayers=15.
/// </summary>
public readonly record struct StageSplit(int Stages, int ChunksPerStage, int First, int Middle, int Last)
{
    /// <summary>The split of <paramref name="layers"/> under <paramref name="layout"/>; throws naming the field when it is impossible.</summary>
    public static StageSplit Of(int layers, in Layout layout) =>
        TryOf(layers, layout, out var split) is { } error ? throw error : split;

    /// <summary>As <see cref="Of"/>, returning the refusal instead of throwing it (the search asks about many candidates).</summary>
    public static SpecException? TryOf(int layers, in Layout layout, out StageSplit split)
    {
        int p = layout.Pp, v = layout.Vp, n = layout.FirstStageLayers, m = layout.LastStageLayers;
        split = default;
        if (n == 0 && m == 0)
        {
            if (layers % (p * v) != 0) return new SpecException("model.layers", $"{layers} is not divisible by pp·vp = {p}·{v} = {p * v}; give firstStageLayers/lastStageLayers for uneven stages");
            split = new StageSplit(p, v, layers / p, p > 2 ? layers / p : 0, layers / p);
            return null;
        }
        if (p == 1) return new SpecException("layout.firstStageLayers", "uneven stages need pp ≥ 2");
        int given = (n > 0 ? 1 : 0) + (m > 0 ? 1 : 0), open = p - given, rest = layers - n - m;
        if (open == 0 && rest != 0)
            return new SpecException("layout.lastStageLayers", $"with pp=2, firstStageLayers + lastStageLayers = {n}+{m} must equal model.layers = {layers}");
        if (open > 0 && (rest < open || rest % open != 0))
            return new SpecException("layout.firstStageLayers", $"the {rest} layers left after firstStageLayers={n}, lastStageLayers={m} must split evenly over the other {open} stages");
        int each = open == 0 ? 0 : rest / open;
        var candidate = new StageSplit(p, v, n > 0 ? n : each, p > 2 ? each : 0, m > 0 ? m : each);
        if (p > 2 && candidate.Middle % v != 0)
            return new SpecException("layout.vp", $"vp={v} must divide the {candidate.Middle} layers of each middle stage");
        if (!EndStageFits(candidate.First, v) || !EndStageFits(candidate.Last, v))
            return new SpecException("layout.vp", $"the first and last stage's layers ({candidate.First}, {candidate.Last}) must be a multiple of vp={v} or one fewer, and at least vp");
        split = candidate;
        return null;
    }

    private static bool EndStageFits(int layers, int v) => layers >= v && (layers % v == 0 || (layers + 1) % v == 0);

    public bool Even => First == Last && (Stages <= 2 || Middle == First);

    /// <summary>Layers held by pipeline stage <paramref name="stage"/> (all its chunks).</summary>
    public int OnStage(int stage) => stage == 0 ? First : stage == Stages - 1 ? Last : Middle;

    /// <summary>Index of the first layer pipeline stage <paramref name="stage"/> holds (stages take consecutive layers).</summary>
    public int FirstLayerOf(int stage) => stage == 0 ? 0 : First + (stage - 1) * Middle;

    /// <summary>The most layers any stage holds.</summary>
    public int Largest => Math.Max(First, Math.Max(Middle, Last));

    /// <summary>Layers of virtual stage <paramref name="virtualStage"/> (chunk c of stage s is virtual stage c·pp + s, Narayanan et al. SC21 §2.2.2).</summary>
    public int InChunk(int virtualStage)
    {
        int stage = virtualStage % Stages, chunk = virtualStage / Stages, layers = OnStage(stage);
        int fewer = layers / ChunksPerStage, more = layers % ChunksPerStage; // `more` chunks hold one extra layer
        if (more == 0) return fewer;
        // First stage: the embedding's chunk (0) and its neighbours hold the fewer; last stage: the head's chunk (v−1) and its neighbours.
        bool extra = stage == Stages - 1 && Stages > 1 ? chunk < more : chunk >= ChunksPerStage - more;
        return fewer + (extra ? 1 : 0);
    }
}
