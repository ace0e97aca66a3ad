using ScalePlanner.Executor.Model;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Everything one rank trains: its model chunks, one per virtual stage it holds (stage s holds virtual stages s, s + pp, …,
/// s + (vp − 1)·pp, Narayanan et al. SC21 §2.2.2; one chunk without interleaving), cut from the whole model built under the
/// run's seed. Its parameters are the chunks' in chunk order; each answers the questions the update asks about them (which count
/// in the global norm, which are partial under sequence parallelism, which is the shared embedding, how they group into units).
/// </summary>
public sealed class RankModel : IDisposable
{
    private readonly GptModel whole;
    private readonly int[] offsets;

    public RankModel(GptModel whole, Layout layout, int stage, ChunkSettings settings)
    {
        this.whole = whole;
        var split = layout.Stages(whole.Spec);
        int virtualStages = layout.Pp * layout.Vp;
        Chunks = [.. Enumerable.Range(0, layout.Vp).Select(chunk => new StageModel(whole, stage + chunk * layout.Pp, virtualStages, settings, split))];
        offsets = new int[Chunks.Count + 1];
        for (int c = 0; c < Chunks.Count; c++) offsets[c + 1] = offsets[c] + Chunks[c].parameters().Count();
    }

    public IReadOnlyList<StageModel> Chunks { get; }

    public ModelSpec Spec => whole.Spec;

    /// <summary>What the MoE layers share with the loop (aux-loss scale, routing histogram); null for a dense model.</summary>
    public MoeRouting? Routing => whole.Routing;

    /// <summary>Per parameter, whether it belongs to a routed expert (<see cref="MoeLayer.IsExpertParameter"/>): split over ep ranks, not replicated over dp.</summary>
    public IReadOnlyList<bool> ExpertParameters() =>
        [.. Chunks.SelectMany(chunk => chunk.named_parameters().Select(p => MoeLayer.IsExpertParameter(p.name)))];

    /// <summary>The chunks' parameters in chunk order (fetched anew: a change of precision replaces them).</summary>
    public IReadOnlyList<Parameter> Parameters() => [.. Chunks.SelectMany(chunk => chunk.parameters())];

    /// <summary>Per parameter, whether it counts in this rank's share of the global gradient norm (<see cref="StageModel.CountsInNorm"/>).</summary>
    public IReadOnlyList<bool> CountsInNorm(int tensorRank) =>
        [.. Chunks.SelectMany(chunk => chunk.named_parameters().Select(p => chunk.CountsInNorm(p.name, tensorRank)))];

    /// <summary>Per parameter, whether its gradient is a partial sum over the tensor group (sequence parallelism, <see cref="StageModel.SequenceParallelReplicas"/>).</summary>
    public IReadOnlyList<bool> PartialGradients() =>
        [.. Chunks.SelectMany(chunk => chunk.named_parameters().Select(p => chunk.IsSequenceParallelReplica(p.name)))];

    /// <summary>Index among <see cref="Parameters"/> of this rank's copy of the tied embedding when the first and last stage are different ranks (their gradients are summed); -1 otherwise.</summary>
    public int SharedEmbeddingIndex => Enumerable.Range(0, Chunks.Count).Where(c => Chunks[c].SharedEmbeddingIndex >= 0)
        .Select(c => offsets[c] + Chunks[c].SharedEmbeddingIndex).DefaultIfEmpty(-1).First();

    /// <summary>Every chunk's units (<see cref="StageModel.Units"/>), with parameter indices into <see cref="Parameters"/>, tagged with their chunk.</summary>
    public IReadOnlyList<(int Chunk, ModelUnit Unit)> Units(bool sharding = false) =>
        [.. Chunks.SelectMany((chunk, c) => chunk.Units(sharding).Select(u => (c, u with { Parameters = [.. u.Parameters.Select(i => i + offsets[c])] })))];

    /// <summary>Turns every chunk to <paramref name="half"/> (the model computes in it; the update keeps fp32 masters).</summary>
    public void To(ScalarType half)
    {
        foreach (var chunk in Chunks) chunk.to(half);
    }

    public void ZeroGradients()
    {
        foreach (var chunk in Chunks) chunk.zero_grad();
    }

    public void Save(BinaryWriter writer)
    {
        foreach (var chunk in Chunks) chunk.save(writer);
    }

    public void Load(BinaryReader reader)
    {
        foreach (var chunk in Chunks) chunk.load(reader);
    }

    public void Dispose()
    {
        foreach (var chunk in Chunks) chunk.Dispose();
        whole.Dispose();
    }
}
