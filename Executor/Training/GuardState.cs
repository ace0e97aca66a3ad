namespace ScalePlanner.Executor.Training;

/// <summary>
/// The fp16 loss scaler's and the numerical guards' state as checkpoint bytes: the scale and its run of good steps, the count of
/// bad steps in a row and the spike detector's window. A rollback keeps the guard's count of bad steps in a row, so repeated
/// rollbacks still end in a divergence.
/// </summary>
public static class GuardState
{
    public static void Write(BinaryWriter writer, DynamicLossScaler? scaler, NumericalGuard guard)
    {
        writer.Write(scaler?.Scale ?? 1);
        writer.Write(scaler?.GoodSteps ?? 0);
        writer.Write(guard.ConsecutiveBad);
        writer.Write(guard.Spikes.History.Count);
        foreach (double loss in guard.Spikes.History) writer.Write(loss);
    }

    public static void Read(BinaryReader reader, DynamicLossScaler? scaler, NumericalGuard guard, bool keepBadCount)
    {
        double scale = reader.ReadDouble();
        int goodSteps = reader.ReadInt32();
        scaler?.Restore(scale, goodSteps);
        int bad = reader.ReadInt32();
        var window = Enumerable.Range(0, reader.ReadInt32()).Select(_ => reader.ReadDouble()).ToArray();
        guard.Restore(keepBadCount ? guard.ConsecutiveBad : bad, window);
    }
}
