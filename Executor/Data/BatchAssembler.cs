namespace ScalePlanner.Executor.Data;

/// <summary>
/// Builds the micro-batch of samples [first, first + count) of a replica's stream (<see cref="ReplicaSlice"/>; the whole stream
/// by default): each row split into inputs and next-token targets, then the inputs masked, both seeded by the whole stream's index.
/// </summary>
public sealed class BatchAssembler(ISampleRows rows, TokenMasking masking, ReplicaSlice? slice = null)
{
    private readonly ReplicaSlice slice = slice ?? ReplicaSlice.Whole;

    public int Sequence => rows.RowLength - 1;

    public HostBatch Build(long first, int count)
    {
        int t = Sequence;
        var inputs = new long[count * t];
        var targets = new long[count * t];
        var row = new long[rows.RowLength];
        for (int i = 0; i < count; i++)
        {
            long sample = slice.Global(first + i);
            rows.Fill(sample, row);
            row.AsSpan(0, t).CopyTo(inputs.AsSpan(i * t, t));
            row.AsSpan(1, t).CopyTo(targets.AsSpan(i * t, t));
            masking.Apply(sample, inputs.AsSpan(i * t, t));
        }
        return new HostBatch(inputs, targets, count, t);
    }
}
