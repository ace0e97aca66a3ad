using System.Diagnostics;
using ScalePlanner.Executor.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// A rank's parameters as its update sees them: the model's working parameters (fp32, bf16 or fp16) and their fp32 main copies
/// (the master weights in mixed precision, Micikevicius et al. 2018 §3.1; the parameters themselves in fp32), which of them count
/// in the global gradient norm, which hold partial gradients over the tensor group (sequence parallelism), and the tied
/// embedding's copy summed between first and last stage. Gradients are reduced, clipped and applied in fp32 on the main copies.
/// </summary>
public sealed class RankParameters
{
    private readonly MasterWeights? masters;
    private readonly ProcessGrid grid;

    public RankParameters(RankModel model, ProcessGrid grid, MasterWeights? masters)
    {
        this.masters = masters;
        this.grid = grid;
        Working = masters?.Working ?? model.Parameters();
        Main = masters?.Masters ?? Working;
        CountsInNorm = model.CountsInNorm(grid.TensorRank);
        Partial = model.PartialGradients();
        SharedEmbedding = model.SharedEmbeddingIndex;
        Expert = model.ExpertParameters();
    }

    /// <summary>Per parameter, whether it belongs to a routed expert (split over ep ranks; alike only over the expert data-parallel group).</summary>
    public IReadOnlyList<bool> Expert { get; }

    /// <summary>
    /// Copies of parameter <paramref name="i"/> among the dp·cp replicas, relative to a replicated one: a routed expert is held by
    /// 1/ep of them, so its squared gradient norm counts ep times when the summed squares are divided by the replicas.
    /// </summary>
    public double NormWeight(int i) => Expert[i] ? grid.Layout.Ep : 1;

    /// <summary>The parameters every dp·cp replica holds alike (checksums are compared over them): all but the routed experts.</summary>
    public IReadOnlyList<Parameter> Replicated => [.. All.Where(i => !Expert[i]).Select(i => Working[i])];

    public IReadOnlyList<Parameter> Working { get; }
    public IReadOnlyList<Parameter> Main { get; }
    public IReadOnlyList<bool> CountsInNorm { get; }
    public IReadOnlyList<bool> Partial { get; }

    /// <summary>Index of the tied embedding's copy shared with the other end of the pipeline; -1 when there is none.</summary>
    public int SharedEmbedding { get; }

    /// <summary>In mixed precision, the working gradients of <paramref name="indices"/> widened to fp32 become their main copies' gradients; nothing in fp32.</summary>
    public void Widen(IEnumerable<int> indices)
    {
        if (masters is null) return;
        foreach (int i in indices) masters.TakeGradient(i);
    }

    /// <summary>Parameter <paramref name="i"/>'s fp32 gradient (its main copy's, after <see cref="Widen"/> in mixed precision).</summary>
    public Tensor MainGradient(int i) => Main[i].grad ?? throw new InvalidOperationException("a parameter has no gradient after backward");

    /// <summary>All parameter indices.</summary>
    public IEnumerable<int> All => Enumerable.Range(0, Working.Count);

    /// <summary>Sums the main gradients of <paramref name="indices"/> that are partial over the tensor group (sequence parallelism, Korthikanti et al. 2022, §4.2.2).</summary>
    public void SumPartials(IEnumerable<int> indices)
    {
        using var noGrad = no_grad();
        foreach (int i in indices.Where(i => Partial[i]))
        {
            var gradient = MainGradient(i);
            using var sum = grid.TensorGroup.SumOver(gradient);
            gradient.copy_(sum);
        }
    }

    /// <summary>Sums, over the tensor group, the stretches of <paramref name="flat"/> (the members' gradients end to end) that belong to partial parameters.</summary>
    public void SumPartials(Tensor flat, IReadOnlyList<int> members)
    {
        using var noGrad = no_grad();
        long offset = 0;
        foreach (int i in members)
        {
            long n = Working[i].numel();
            if (Partial[i])
            {
                var stretch = flat.narrow(0, offset, n);
                using var sum = grid.TensorGroup.SumOver(stretch);
                stretch.copy_(sum);
            }
            offset += n;
        }
    }

    /// <summary>Sums <paramref name="gradient"/> (of the shared embedding, whole or a shard of it) over the first and last stage; returns the seconds it took.</summary>
    public double SumSharedEmbedding(Tensor gradient)
    {
        long start = Stopwatch.GetTimestamp();
        grid.Mpi.AllReduceSum(TensorMemory.Floats(gradient), grid.EmbeddingGroup);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>Writes the fp32 master weights for a checkpoint (nothing in fp32: the model's weights are the main copies).</summary>
    public void SaveMasters(BinaryWriter writer)
    {
        foreach (var master in masters?.Masters ?? []) master.detach().Save(writer);
    }

    /// <summary>Reads back what <see cref="SaveMasters"/> wrote.</summary>
    public void LoadMasters(BinaryReader reader)
    {
        using var noGrad = no_grad();
        foreach (var master in masters?.Masters ?? [])
        {
            using var loaded = Tensor.Load(reader);
            master.copy_(loaded);
        }
    }

    /// <summary>The updated main copies, rounded to the working format, become the model's weights (nothing to do in fp32).</summary>
    public void UpdateWorking() => masters?.UpdateModel();
}
