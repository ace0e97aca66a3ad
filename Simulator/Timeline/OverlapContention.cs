namespace ScalePlanner.Simulator.Timeline;

/// <summary>
/// Data-parallel traffic that runs under compute is not free: NCCL kernels take SMs and memory bandwidth, so the compute
/// beneath slows by the profile's overlapped-communication share of the time they overlap (the closed form's contention term).
/// Which passes a collective overlaps is known only after a run, so a first run finds the overlap of every pass and a second
/// run stretches each pass by its share (one fixed-point step: the second run's overlaps differ from the first's only by the
/// stretch itself, a second-order effect at shares of about 0.1).
/// </summary>
internal static class OverlapContention
{
    /// <summary>Whether the workload has data-parallel traffic for contention to act on.</summary>
    public static bool Applies(StepWorkload w) =>
        w.OverlapContention > 0 && w.Traffic.Any(t => t.Buckets.Any(b => b.Length > 0) || t.WeightGather.Length > 0 || t.BlockGather.Length > 0 || t.ReductionAfterBackward > 0);

    /// <summary>Per pass: the extra time its overlap with its stage's data-parallel collectives costs, from a first run.</summary>
    public static double[] Stretch(StepWorkload w, TimelineEngine first)
    {
        int n = w.OpsPerGroup, replicas = w.Replicas;
        var plan = first.Plan;
        var stretch = new double[w.Groups * n];
        for (int s = 0; s < w.Stages; s++)
        {
            // A stage's collectives occupy every member's link in turn, so they never overlap each other: sort them by start.
            var slots = Enumerable.Range(plan.StageBase[s], plan.StageBase[s + 1] - plan.StageBase[s])
                .Where(c => !double.IsNaN(first.Slots[c].Start) && first.Slots[c].End > first.Slots[c].Start)
                .OrderBy(c => first.Slots[c].Start).ToArray();
            if (slots.Length == 0) continue;
            for (int d = 0; d < replicas; d++)
            {
                int g = s * replicas + d, cursor = 0;
                for (int i = 0; i < n; i++)
                {
                    int id = g * n + i;
                    double a = first.OpStart[id], b = first.OpEnd[id], overlap = 0;
                    while (cursor < slots.Length && first.Slots[slots[cursor]].End <= a) cursor++;
                    for (int c = cursor; c < slots.Length && first.Slots[slots[c]].Start < b; c++)
                        overlap += Math.Min(b, first.Slots[slots[c]].End) - Math.Max(a, first.Slots[slots[c]].Start);
                    stretch[id] = w.OverlapContention * overlap;
                }
            }
        }
        return stretch;
    }
}
