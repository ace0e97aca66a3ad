namespace ScalePlanner.Simulator.Timeline;

/// <summary>The event-driven simulation of one training step, device group by device group (see <see cref="TimelineEngine"/>).</summary>
public static class StepTimeline
{
    /// <summary>Simulates the step; with <paramref name="recordEvents"/> the result carries every interval of every group.</summary>
    public static TimelineResult Run(StepWorkload workload, bool recordEvents = false)
    {
        Validate(workload);
        var engine = new TimelineEngine(workload);
        if (!OverlapContention.Applies(workload)) return engine.Run(null, recordEvents);
        engine.Run(null, false);
        return engine.Run(OverlapContention.Stretch(workload, engine), recordEvents);
    }

    private static void Validate(StepWorkload w)
    {
        if (w.Stages < 1 || w.Chunks < 1 || w.MicroBatches < 1 || w.Replicas < 1)
            throw new ArgumentException($"a step needs at least one stage, chunk, micro-batch and replica, got p={w.Stages}, v={w.Chunks}, m={w.MicroBatches}, dp={w.Replicas}");
        if (w.Work.Length != w.Stages * w.Chunks) throw new ArgumentException($"work: expected {w.Stages * w.Chunks} chunks, got {w.Work.Length}");
        CheckLength(w.ForwardSend.Length, w.Groups, "forward sends");
        CheckLength(w.BackwardSend.Length, w.Groups, "backward sends");
        CheckLength(w.Slowdown.Length, w.Groups, "slowdowns");
        CheckLength(w.Traffic.Length, w.Stages, "traffic");
        CheckLength(w.OptimizerSeconds.Length, w.Stages, "optimizer steps");
    }

    private static void CheckLength(int length, int expected, string what)
    {
        if (length != 0 && length != expected) throw new ArgumentException($"{what}: expected none or {expected}, got {length}");
    }
}
