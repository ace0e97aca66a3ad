using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Simulator.Timeline;

/// <summary>What a run of <see cref="TimelineEngine"/> keeps and returns: each pass as intervals by kind, the step's figures and its critical path.</summary>
internal sealed partial class TimelineEngine
{
    private void RecordPass(int g, PipelineOp op, double start, double recomputeSeconds, double kernelSeconds, double tensorComm, double contextComm)
    {
        double t = start;
        Add(WorkKind.Recompute, recomputeSeconds);
        Add(op.IsForward ? WorkKind.Forward : WorkKind.Backward, kernelSeconds);
        Add(WorkKind.TensorComm, tensorComm);
        Add(WorkKind.ContextComm, contextComm);

        void Add(WorkKind kind, double seconds)
        {
            if (seconds <= 0) return;
            events.Add(new TimelineEvent(g, kind, op.Chunk, op.MicroBatch, t, t + seconds));
            t += seconds;
        }
    }

    private TimelineResult Result()
    {
        double step = 0;
        for (int g = 0; g < groups; g++) step = Math.Max(step, state[g].End);
        double dataWait = Math.Max(0, w.BatchLoadSeconds - step);
        var rows = new GroupTimeline[groups];
        int critical = 0;
        double busiest = -1;
        for (int g = 0; g < groups; g++)
        {
            ref readonly var a = ref state[g];
            var time = new TimeParts(a.Compute, a.Recompute, a.Bubble + step - a.End, a.Tensor, a.Context, a.DataParallel, a.Pipeline, a.Optimizer, dataWait);
            rows[g] = new GroupTimeline(g, g % replicas, g / replicas, g * w.DevicesPerGroup, w.DevicesPerGroup,
                w.Slowdown.Length > 0 ? w.Slowdown[g] : 1, time, a.End, a.DataParallelTotal);
            double busy = a.Compute + a.Recompute + a.Tensor + a.Context + a.Optimizer;
            if (busy > busiest) (busiest, critical) = (busy, g);
        }
        return new TimelineResult(step + dataWait, rows[critical].Time, critical, p, v, replicas, m, rows,
            record ? events : [], record ? recordedReplicas : [], CriticalPath(step), processed);
    }

    /// <summary>
    /// Walks back from the group that ends last through whatever set each start: for a pass, the pass before it on the group,
    /// its input's producer or the collective it waited on; for a collective, the collective before it on a member's link
    /// when the link was busy, else the pass that asked for it last.
    /// </summary>
    private List<CriticalStep> CriticalPath(double step)
    {
        int last = 0;
        for (int g = 0; g < groups; g++)
        {
            if (state[g].End >= step) { last = g; break; }
        }
        ref readonly var final = ref state[last];
        bool waitedForGradients = final.GradientCause >= 0 && final.LastGradientEnd > final.Free;
        int pass = waitedForGradients ? -1 : last * n + n - 1, slot = waitedForGradients ? final.GradientCause : -1;
        var path = new List<CriticalStep>();
        for (int guard = 0; (pass >= 0 || slot >= 0) && guard <= groups * n + Plan.Count; guard++)
        {
            if (pass >= 0)
            {
                int g = pass / n;
                var op = order[g / replicas][pass % n];
                path.Add(new CriticalStep(g, op.IsForward ? WorkKind.Forward : WorkKind.Backward, op.Chunk, op.MicroBatch, OpStart[pass], OpEnd[pass], opKernels[pass]));
                (pass, slot) = causeKind[pass] switch
                {
                    DeviceCause => (pass - 1, -1),
                    InputCause => (causeIndex[pass], -1),
                    CollectiveCause => (-1, causeIndex[pass]),
                    _ => (-1, -1),
                };
            }
            else
            {
                ref readonly var c = ref Slots[slot];
                path.Add(new CriticalStep(c.RequesterGroup, Plan.Kind[slot], Plan.Chunk[slot], Plan.MicroBatch[slot], c.Start, c.End, 0));
                (pass, slot) = c.LinkCause >= 0 ? (-1, c.LinkCause) : (c.Requester, -1);
            }
        }
        path.Reverse();
        return path;
    }
}
