using ScalePlanner.Mpi;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Which whole tensor each element of this replica's ZeRO blocks belongs to, and for matrices its row and column there. ZeRO's
/// flat partition cuts tensors anywhere, so an optimizer that needs whole-tensor statistics (LAMB's trust ratio, Adafactor's
/// factored second moment and update clipping) sums them piecewise on each replica and then over the replicas, which gives the
/// statistics of the whole tensor (sums commute). Tensors are numbered over all blocks in order; rows and columns of matrices
/// likewise. Padding belongs to an extra tensor that nothing reads.
/// </summary>
public sealed class ShardSegments
{
    private readonly OpenMpi mpi;
    private readonly nint group;

    public ShardSegments(IReadOnlyList<FlatShard> shards, OpenMpi mpi, nint group)
    {
        (this.mpi, this.group) = (mpi, group);
        var shapes = shards.SelectMany(s => s.Tensors.Select(t => t.Shape)).ToList();
        Count = shapes.Count;
        Elements = [.. shapes.Select(s => s.Aggregate(1L, (a, b) => a * b))];
        RowStart = new long[Count + 1];
        ColumnStart = new long[Count + 1];
        foreach (int t in Enumerable.Range(0, Count))
        {
            RowStart[t + 1] = RowStart[t] + (shapes[t].Length == 2 ? shapes[t][0] : 0);
            ColumnStart[t + 1] = ColumnStart[t] + (shapes[t].Length == 2 ? shapes[t][1] : 0);
        }
        int first = 0;
        var perShard = new List<(Tensor Segment, Tensor Row, Tensor Column)>();
        foreach (var shard in shards)
        {
            perShard.Add(Index(shard, first, shapes));
            first += shard.Tensors.Count;
        }
        Segment = [.. perShard.Select(p => p.Segment)];
        Row = [.. perShard.Select(p => p.Row)];
        Column = [.. perShard.Select(p => p.Column)];
        Matrix = [.. Segment.Select(s => IsMatrix(s, shapes))];
    }

    /// <summary>Tensors in the blocks (padding not counted).</summary>
    public int Count { get; }

    /// <summary>Elements of each whole tensor.</summary>
    public long[] Elements { get; }

    /// <summary>First global row (column) of each tensor's matrix; vectors hold none.</summary>
    public long[] RowStart { get; }
    public long[] ColumnStart { get; }

    /// <summary>Per block: the tensor of each element (<see cref="Count"/> for padding), its global row and column (0 outside matrices), and whether it is in a matrix.</summary>
    public IReadOnlyList<Tensor> Segment { get; }
    public IReadOnlyList<Tensor> Row { get; }
    public IReadOnlyList<Tensor> Column { get; }
    public IReadOnlyList<Tensor> Matrix { get; }

    private static Tensor IsMatrix(Tensor segment, List<long[]> shapes) =>
        tensor([.. shapes.Select(s => s.Length == 2), false]).index_select(0, segment);

    private (Tensor Segment, Tensor Row, Tensor Column) Index(FlatShard shard, int first, List<long[]> shapes)
    {
        var segment = full(shard.Length, Count, dtype: int64);
        var row = zeros(shard.Length, dtype: int64);
        var column = zeros(shard.Length, dtype: int64);
        for (int k = 0; k < shard.Tensors.Count; k++)
        {
            int t = first + k;
            long from = Math.Max(shard.Tensors[k].Start, shard.BlockStart), to = Math.Min(shard.Tensors[k].Start + Elements[t], shard.BlockStart + shard.Length);
            if (to <= from) continue;
            var local = arange(from - shard.Tensors[k].Start, to - shard.Tensors[k].Start, dtype: int64);    // element indices within the tensor
            long at = from - shard.BlockStart, n = to - from;
            segment.narrow(0, at, n).fill_(t);
            if (shapes[t].Length != 2) continue;
            row.narrow(0, at, n).copy_(local.div(shapes[t][1], rounding_mode: RoundingMode.floor) + RowStart[t]);
            column.narrow(0, at, n).copy_(local.remainder(shapes[t][1]) + ColumnStart[t]);
        }
        return (segment, row, column);
    }

    /// <summary>Per whole tensor, the sum over every replica's blocks of <paramref name="values"/> (one tensor per block).</summary>
    public Tensor SumPerTensor(IReadOnlyList<Tensor> values) => Summed(values, Segment, Count + 1).narrow(0, 0, Count);

    /// <summary>Per global matrix row (and column), the sum over every replica's blocks of <paramref name="values"/> at matrix elements.</summary>
    public (Tensor Rows, Tensor Columns) SumPerRowAndColumn(IReadOnlyList<Tensor> values)
    {
        var masked = values.Zip(Matrix, (v, m) => v * m).ToList();
        var rows = Local(masked, Row, RowStart[^1]);
        var columns = Local(masked, Column, ColumnStart[^1]);
        var both = cat([rows, columns]);
        mpi.AllReduceSum(TensorMemory.Floats(both), group);
        return (both.narrow(0, 0, RowStart[^1]), both.narrow(0, RowStart[^1], ColumnStart[^1]));
    }

    private Tensor Summed(IReadOnlyList<Tensor> values, IReadOnlyList<Tensor> index, long size)
    {
        var sums = Local(values, index, size);
        mpi.AllReduceSum(TensorMemory.Floats(sums), group);
        return sums;
    }

    private static Tensor Local(IReadOnlyList<Tensor> values, IReadOnlyList<Tensor> index, long size)
    {
        var sums = zeros(Math.Max(1, size), dtype: float32);
        for (int b = 0; b < values.Count; b++) sums.index_add_(0, index[b], values[b].to(float32), 1);
        return sums;
    }
}
