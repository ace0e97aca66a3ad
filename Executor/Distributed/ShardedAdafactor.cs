using ScalePlanner.Executor.Optimizers;
using ScalePlanner.Executor.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Adafactor (Shazeer &amp; Stern 2018, Alg. 4 and 5; the rule of <see cref="Adafactor"/>) over this replica's ZeRO blocks. A
/// matrix's factored second moment needs the row and column sums of its squared gradient: each replica sums its pieces by row
/// and column, then the sums are added over the replicas (<see cref="ShardSegments"/>), so every replica holds the whole R and C
/// (rows + columns numbers per matrix, replicated: Adafactor's state is that small). A vector's second moment is elementwise
/// and stays partitioned. Update clipping and the relative step size take RMS over whole tensors, summed the same way.
/// </summary>
public sealed class ShardedAdafactor : IOptimizerStep
{
    private readonly IReadOnlyList<Parameter> blocks;
    private readonly ShardSegments segments;
    private readonly Adafactor rule;
    private readonly Tensor rows, columns, rowTensor;
    private readonly Tensor[] vectors;
    private int step;

    public ShardedAdafactor(IReadOnlyList<Parameter> blocks, ShardSegments segments, Adafactor rule)
    {
        (this.blocks, this.segments, this.rule) = (blocks, segments, rule);
        rows = zeros(segments.RowStart[^1]);
        columns = zeros(segments.ColumnStart[^1]);
        rowTensor = tensor(Enumerable.Range(0, segments.Count).SelectMany(t => Enumerable.Repeat((long)t, (int)(segments.RowStart[t + 1] - segments.RowStart[t]))).ToArray(), dtype: int64);
        vectors = [.. blocks.Select(b => zeros_like(b))];
    }

    public void Step(double learningRate)
    {
        step++;
        double decay = Adafactor.Decay(step), rho = Adafactor.RelativeStep(step);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var squared = blocks.Select(w => rule.Squared(w.grad!)).ToList();
        var (rowSums, columnSums) = segments.SumPerRowAndColumn(squared);
        rows.mul_(decay).add_(rowSums, alpha: 1 - decay);                                    // R = β̂R + (1 − β̂)(G² + ε₁)1
        columns.mul_(decay).add_(columnSums, alpha: 1 - decay);                              // C = β̂C + (1 − β̂)1ᵀ(G² + ε₁)
        var rowTotals = zeros(segments.Count + 1).index_add_(0, rowTensor, rows, 1);           // 1ᵀR per matrix
        var updates = new List<Tensor>(blocks.Count);
        for (int b = 0; b < blocks.Count; b++)
        {
            vectors[b].mul_(decay).add_(squared[b], alpha: 1 - decay);
            var factored = rows.index_select(0, segments.Row[b]) * columns.index_select(0, segments.Column[b]) / rowTotals.index_select(0, segments.Segment[b]);   // V̂ = RC / 1ᵀR
            var second = where(segments.Matrix[b], factored, vectors[b]);
            updates.Add(blocks[b].grad! / second.sqrt().masked_fill(segments.Segment[b].eq(segments.Count), 1));   // padding: no update
        }
        var elements = tensor(segments.Elements).to(float32);
        var updateRms = (segments.SumPerTensor([.. updates.Select(u => u.square())]) / elements).sqrt();
        var weightRms = (segments.SumPerTensor([.. blocks.Select(w => w.square())]) / elements).sqrt();
        var scale = tensor(updateRms.data<float>().Zip(weightRms.data<float>(), (u, w) => (float)rule.Scale(u, w, rho)).Append(0f).ToArray());
        for (int b = 0; b < blocks.Count; b++) blocks[b].sub_(updates[b] * scale.index_select(0, segments.Segment[b]));
    }

    public void Save(BinaryWriter writer)
    {
        writer.Write(step);
        foreach (var state in vectors.Prepend(columns).Prepend(rows)) state.Save(writer);
    }

    public void Load(BinaryReader reader)
    {
        step = reader.ReadInt32();
        using var noGrad = no_grad();
        foreach (var state in vectors.Prepend(columns).Prepend(rows))
        {
            using var loaded = Tensor.Load(reader);
            state.copy_(loaded);
        }
    }
}
