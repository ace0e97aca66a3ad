namespace ScalePlanner.Executor.Data;

/// <summary>Builds the micro-batch of samples [first, first + count): each row split into inputs and next-token targets, then the inputs masked.</summary>
public sealed class BatchAssembler(ISampleRows rows, TokenMasking masking)
{
    public int Sequence => rows.RowLength - 1;

    public HostBatch Build(long first, int count)
    {
        int t = Sequence;
        var inputs = new long[count * t];
        var targets = new long[count * t];
        var row = new long[rows.RowLength];
        for (int i = 0; i < count; i++)
        {
            rows.Fill(first + i, row);
            row.AsSpan(0, t).CopyTo(inputs.AsSpan(i * t, t));
            row.AsSpan(1, t).CopyTo(targets.AsSpan(i * t, t));
            masking.Apply(first + i, inputs.AsSpan(i * t, t));
        }
        return new HostBatch(inputs, targets, count, t);
    }
}
