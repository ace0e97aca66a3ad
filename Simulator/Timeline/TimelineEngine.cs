using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Simulator.Timeline;

/// <summary>
/// One discrete-event run of a step. Each group runs its stage's schedule in order on its compute stream: a pass starts when
/// the group is free, its input has arrived from the neighbouring virtual stage and the collective it needs (a weight gather)
/// has delivered, and its end is an event that sends its output on the group's link. Each group has a link per tier, carrying
/// point-to-point transfers one after another and collectives one after another; the two streams share its bandwidth (NCCL
/// runs them on separate channels), so one that starts while the other is still sending goes at half speed for the overlap
/// (the one already under way keeps the end it was given: an approximation that favours whichever came first). A
/// data-parallel collective is asked for by every replica of the stage (a bucket filling, a prefetch, a pass ending) and
/// starts when the last one asks and every member's collective stream is free. The optimizer step runs when the last pass is
/// done and every gradient collective has finished.
/// </summary>
internal sealed partial class TimelineEngine
{
    private const byte NoCause = 0, DeviceCause = 1, InputCause = 2, CollectiveCause = 3;

    private readonly StepWorkload w;
    private readonly int p, v, m, replicas, groups, n;
    private readonly PipelineOp[][] order;
    private readonly EventQueue queue;
    private double[]? stretch;
    private bool record;
    /// <summary>Replicas whose events are kept: one without a slowdown (the others run exactly as it does) and every slowed one.</summary>
    private readonly int[] recordedReplicas;
    private readonly bool[] recorded;
    private List<TimelineEvent> events = [];

    // Per pass (group · n + position in the schedule).
    internal readonly double[] OpStart, OpEnd;
    private readonly double[] opKernels;
    private readonly byte[] causeKind;
    private readonly int[] causeIndex;

    // Per (group, chunk, micro-batch): when the pass's input arrived and which pass produced it.
    private readonly double[] forwardIn, backwardIn;
    private readonly int[] forwardFrom, backwardFrom;

    private readonly GroupState[] state;
    private readonly Lane[] lanes;
    internal readonly CollectivePlan Plan;
    internal readonly SlotState[] Slots;
    private long processed;

    /// <summary>Sets up the schedules, the collectives and the state; <see cref="Run"/> may then be called more than once, reusing the state's arrays.</summary>
    public TimelineEngine(StepWorkload workload)
    {
        w = workload;
        p = w.Stages;
        v = w.Chunks;
        m = w.MicroBatches;
        replicas = w.Replicas;
        groups = w.Groups;
        n = w.OpsPerGroup;
        order = new PipelineOp[p][];
        for (int s = 0; s < p; s++) order[s] = PipelineSchedules.Order(w.Schedule, p, v, m, s);
        Plan = new CollectivePlan(w, order);

        int passes = groups * n, inputs = groups * v * m;
        OpStart = new double[passes];
        OpEnd = new double[passes];
        opKernels = new double[passes];
        causeKind = new byte[passes];
        causeIndex = new int[passes];
        forwardIn = new double[inputs];
        backwardIn = new double[inputs];
        forwardFrom = new int[inputs];
        backwardFrom = new int[inputs];

        recordedReplicas = RecordedReplicas(w);
        recorded = new bool[groups];
        foreach (int replica in recordedReplicas)
            for (int s = 0; s < p; s++) recorded[s * replicas + replica] = true;
        state = new GroupState[groups];
        lanes = new Lane[groups * 2];
        Slots = new SlotState[Plan.Count];
        queue = new EventQueue(groups * 4);
    }

    /// <summary>One run of the step; <paramref name="stretch"/> lengthens each pass (overlap contention), <paramref name="record"/> keeps every interval.</summary>
    public TimelineResult Run(double[]? stretch, bool record)
    {
        this.stretch = stretch;
        this.record = record;
        Reset();
        for (int g = 0; g < groups; g++)
        {
            int s = g / replicas;
            for (int c = 0; c < Plan.WeightGatherCount[s]; c++) Request(g, Plan.WeightGatherBase[s] + c, -1, 0);
            if (Plan.BlockBase[s] >= 0) Request(g, Plan.BlockBase[s], -1, 0);
        }
        for (int g = 0; g < groups; g++) TryStart(g);
        while (queue.Count > 0)
        {
            var (now, item) = queue.Pop();
            processed++;
            if (EventQueue.IsPassEnd(item)) PassEnded(item / n, item % n, now);
            else Schedule(EventQueue.Collective(item));
        }
        for (int g = 0; g < groups; g++)
        {
            if (!state[g].Finished) throw new InvalidOperationException($"timeline: group {g} stopped at pass {state[g].Next} of {n}; the schedule deadlocked");
        }
        return Result();
    }

    private void Reset()
    {
        events = [];
        processed = 0;
        Array.Fill(forwardIn, double.NaN);
        Array.Fill(backwardIn, double.NaN);
        for (int g = 0; g < groups; g++) state[g] = new GroupState { GradientLeft = Plan.GradientCollectives[g / replicas], GradientCause = -1 };
        Array.Fill(lanes, new Lane { LastSlot = -1 });
        Array.Fill(Slots, new SlotState { Requester = -1, LinkCause = -1, Start = double.NaN, End = double.NaN });
    }

    /// <summary>Starts every pass of the group whose input and collectives are known, in schedule order; then the optimizer if all is done.</summary>
    private void TryStart(int g)
    {
        int s = g / replicas;
        var ops = order[s];
        double factor = w.Slowdown.Length > 0 ? w.Slowdown[g] : 1;
        while (state[g].Next < n)
        {
            int i = state[g].Next, id = g * n + i;
            var op = ops[i];
            int k = op.Chunk * p + s;
            double at = state[g].Free, produced = double.NegativeInfinity, arrival = 0;
            byte cause = i > 0 ? DeviceCause : NoCause;
            int because = id - 1;

            if (op.IsForward ? k > 0 : k < p * v - 1)
            {
                int input = (g * v + op.Chunk) * m + op.MicroBatch;
                arrival = op.IsForward ? forwardIn[input] : backwardIn[input];
                if (double.IsNaN(arrival)) return;
                int from = op.IsForward ? forwardFrom[input] : backwardFrom[input];
                produced = OpEnd[from];
                if (arrival > at) (at, cause, because) = (arrival, InputCause, from);
            }

            ref readonly var work = ref w.Work[s * v + op.Chunk];
            double kernelF = op.IsForward ? work.Forward * factor : 0, kernelB = op.IsForward ? 0 : work.Backward * factor;
            double kernelR = op.IsForward ? 0 : work.Recompute * factor, extra = stretch is null ? 0 : stretch[id];
            double tensorComm = op.IsForward ? work.ForwardTensorComm : work.BackwardTensorComm + work.RecomputeTensorComm;
            double contextComm = op.IsForward ? work.ForwardContextComm : work.BackwardContextComm;
            double duration = kernelF + kernelB + kernelR + extra + tensorComm + contextComm;

            int gate = Gate(s, i, op);
            if (gate >= 0)
            {
                if (double.IsNaN(Slots[gate].End)) return;
                // Streamed: the first piece must be in before the pass starts, the last piece before the pass's last part runs.
                int pieces = Plan.Pieces[gate];
                double bound = Math.Max(Slots[gate].Start + (Slots[gate].End - Slots[gate].Start) / pieces, Slots[gate].End + duration / pieces - duration);
                if (bound > at) (at, cause, because) = (bound, CollectiveCause, gate);
            }
            int blocking = Blocking(s, i);
            if (blocking >= 0)
            {
                if (double.IsNaN(Slots[blocking].End)) return;
                if (Slots[blocking].End > at) (at, cause, because) = (Slots[blocking].End, CollectiveCause, blocking);
            }

            double start = at, finish = start + duration;
            Attribute(g, state[g].Free, start, produced, arrival);
            state[g].Compute += kernelF + kernelB;
            state[g].Recompute += kernelR;
            state[g].Tensor += tensorComm;
            state[g].Context += contextComm;
            state[g].DataParallel += extra;
            OpStart[id] = start;
            OpEnd[id] = finish;
            opKernels[id] = kernelF + kernelB + kernelR;
            causeKind[id] = cause;
            causeIndex[id] = because;
            state[g].Free = finish;
            state[g].Next = i + 1;
            queue.Push(finish, EventQueue.PassEnd(id));
            if (record && recorded[g]) RecordPass(g, op, start, kernelR, kernelF + kernelB + extra, tensorComm, contextComm);
            IssueCollectives(g, s, i, op, start, finish, duration);
        }
        TryFinish(g);
    }

    /// <summary>Splits the wait before a pass: on the producing stage's compute (bubble), on the transfer (pipeline communication), on collectives (data-parallel).</summary>
    private void Attribute(int g, double idleFrom, double start, double produced, double arrival)
    {
        double waited = start - idleFrom;
        if (waited <= 0) return;
        double onProducer = Math.Clamp(produced - idleFrom, 0, waited);
        double onTransfer = Math.Clamp(arrival - Math.Max(idleFrom, produced), 0, waited - onProducer);
        state[g].Bubble += onProducer;
        state[g].Pipeline += onTransfer;
        state[g].DataParallel += waited - onProducer - onTransfer;
    }

    /// <summary>The weight gather pass i needs before it runs, or −1.</summary>
    private int Gate(int s, int i, PipelineOp op)
    {
        if (Plan.BlockBase[s] >= 0) return Plan.BlockBase[s] + 2 * i;
        if (Plan.WeightGatherCount[s] == 0) return -1;
        if (Plan.WeightGatherCount[s] == 1) return i == 0 ? Plan.WeightGatherBase[s] : -1;
        return op.IsForward && op.MicroBatch == 0 ? Plan.WeightGatherBase[s] + op.Chunk : -1;
    }

    /// <summary>Without overlap, ZeRO-3's gradient reduce-scatter of the previous backward holds the next pass back.</summary>
    private int Blocking(int s, int i) =>
        Plan.BlockBase[s] >= 0 && !w.Traffic[s].Overlap && i > 0 && !order[s][i - 1].IsForward ? Plan.BlockBase[s] + 2 * (i - 1) + 1 : -1;

    private void IssueCollectives(int g, int s, int i, PipelineOp op, double start, double finish, double duration)
    {
        int id = g * n + i;
        int block = Plan.BlockBase[s];
        if (block >= 0 && w.Traffic[s].Overlap)
        {
            // Prefetch: the next pass's gather goes out as this one starts; the gradient reduce-scatter streams out block by block.
            if (i + 1 < n) Request(g, block + 2 * (i + 1), id, start);
            if (!op.IsForward)
            {
                int scatter = block + 2 * i + 1;
                double piece = Plan.Seconds[scatter] / Plan.Pieces[scatter];
                double at = Math.Max(start + duration / Plan.Pieces[scatter], finish + piece - Plan.Seconds[scatter]);
                Request(g, scatter, id, at);
            }
        }
        if (!op.IsForward && op.MicroBatch == m - 1 && s < w.Traffic.Length && op.Chunk < w.Traffic[s].Buckets.Length)
        {
            // The chunk's last backward: each bucket goes out as soon as its gradients are final.
            var buckets = w.Traffic[s].Buckets[op.Chunk];
            int first = Plan.BucketBase[s][op.Chunk];
            for (int b = 0; b < buckets.Length; b++)
                Request(g, first + b, id, start + duration * buckets[b].ReadyFraction);
        }
    }

    private void PassEnded(int g, int i, double now)
    {
        int s = g / replicas, replica = g % replicas, id = g * n + i;
        var op = order[s][i];
        int k = op.Chunk * p + s;
        if (op.IsForward && k < p * v - 1)
        {
            (int toStage, int toChunk) = s < p - 1 ? (s + 1, op.Chunk) : (0, op.Chunk + 1);
            int to = toStage * replicas + replica;
            int input = (to * v + toChunk) * m + op.MicroBatch;
            forwardIn[input] = Send(g, w.ForwardSend, now, op);
            forwardFrom[input] = id;
            TryStart(to);
        }
        else if (!op.IsForward && k > 0)
        {
            (int toStage, int toChunk) = s > 0 ? (s - 1, op.Chunk) : (p - 1, op.Chunk - 1);
            int to = toStage * replicas + replica;
            int input = (to * v + toChunk) * m + op.MicroBatch;
            backwardIn[input] = Send(g, w.BackwardSend, now, op);
            backwardFrom[input] = id;
            TryStart(to);
        }
        int block = Plan.BlockBase[s];
        if (block >= 0 && !w.Traffic[s].Overlap)
        {
            // No overlap: the scatter follows the backward, the next gather follows the pass, each on demand.
            if (!op.IsForward) Request(g, block + 2 * i + 1, id, now);
            if (i + 1 < n) Request(g, block + 2 * (i + 1), id, now);
        }
        if (i == n - 1 && Plan.AfterBackward[s] >= 0)
            Request(g, Plan.AfterBackward[s], id, now);
    }

    /// <summary>Puts one pass's output on the sender's link behind what it already carries; returns when it arrives.</summary>
    private double Send(int g, Transfer[] transfers, double now, PipelineOp op)
    {
        if (transfers.Length == 0 || transfers[g].Seconds <= 0) return now;
        var transfer = transfers[g];
        int lane = g * 2 + (int)transfer.Tier;
        double start = Math.Max(now, lanes[lane].SendFree), arrive = start + Shared(transfer.Seconds, lanes[lane].CollectiveFree - start);
        lanes[lane].SendFree = arrive;
        if (record && recorded[g]) events.Add(new TimelineEvent(g, WorkKind.PipelineSend, op.Chunk, op.MicroBatch, start, arrive));
        return arrive;
    }

    /// <summary>
    /// Group g will want collective <paramref name="slot"/> at time <paramref name="at"/> (never before the event being handled).
    /// When every replica of the stage has said when, the collective's start is an event at the latest of those times.
    /// </summary>
    private void Request(int g, int slot, int by, double at)
    {
        ref var c = ref Slots[slot];
        c.Arrivals++;
        if (c.Arrivals == 1 || at > c.Ready || (at == c.Ready && g < c.RequesterGroup)) (c.Ready, c.Requester, c.RequesterGroup) = (at, by, g);
        if (c.Arrivals == replicas) queue.Push(c.Ready, EventQueue.CollectiveReady(slot));
    }

    /// <summary>Starts a collective every member asked for, once every member's collective stream is free.</summary>
    private void Schedule(int slot)
    {
        int s = Plan.Stage[slot], tier = (int)w.Traffic[s].Tier, first = s * replicas;
        double start = Slots[slot].Ready, sending = 0;
        for (int d = 0; d < replicas; d++)
        {
            int lane = (first + d) * 2 + tier;
            if (lanes[lane].CollectiveFree > start) (start, Slots[slot].LinkCause) = (lanes[lane].CollectiveFree, lanes[lane].LastSlot);
        }
        for (int d = 0; d < replicas; d++) sending = Math.Max(sending, lanes[(first + d) * 2 + tier].SendFree - start);
        double finish = start + Shared(Plan.Seconds[slot], sending);
        Slots[slot].Start = start;
        Slots[slot].End = finish;
        bool gradients = Plan.CarriesGradients(slot);
        for (int d = 0; d < replicas; d++)
        {
            int member = first + d;
            lanes[member * 2 + tier].CollectiveFree = finish;
            lanes[member * 2 + tier].LastSlot = slot;
            ref var group = ref state[member];
            group.DataParallelTotal += Plan.Seconds[slot];
            if (record && recorded[member]) events.Add(new TimelineEvent(member, Plan.Kind[slot], Plan.Chunk[slot], Plan.MicroBatch[slot], start, finish));
            if (gradients)
            {
                group.GradientLeft--;
                if (finish >= group.LastGradientEnd) (group.LastGradientEnd, group.GradientCause) = (finish, slot);
            }
        }
        // A gather (or, without overlap, a ZeRO-3 scatter) may be what a pass waits for; the last gradient collective frees the optimizer.
        bool gates = Plan.Kind[slot] is WorkKind.WeightGather || (Plan.Kind[slot] is WorkKind.GradientScatter && !w.Traffic[s].Overlap);
        for (int d = 0; d < replicas; d++)
        {
            if (gates) TryStart(first + d);
            else if (state[first + d].GradientLeft == 0) TryFinish(first + d);
        }
    }

    /// <summary>
    /// Replicas without a slowdown see the same inputs and the same collectives, so their timelines are identical: events are
    /// kept for the first of them and for every slowed replica.
    /// </summary>
    private static int[] RecordedReplicas(StepWorkload w)
    {
        bool Slowed(int replica) => w.Slowdown.Length > 0 && Enumerable.Range(0, w.Stages).Any(s => w.Slowdown[s * w.Replicas + replica] > 1);
        var slowed = Enumerable.Range(0, w.Replicas).Where(Slowed).ToList();
        int nominal = Enumerable.Range(0, w.Replicas).FirstOrDefault(r => !Slowed(r), -1);
        return [.. slowed.Append(nominal).Where(r => r >= 0).Order()];
    }

    /// <summary>One group's progress, and where its step went so far.</summary>
    private struct GroupState
    {
        public int Next, GradientLeft, GradientCause;
        public double Free, End, LastGradientEnd;
        public bool Finished;
        public double Compute, Recompute, Tensor, Context, Bubble, Pipeline, DataParallel, Optimizer, DataParallelTotal;
    }

    /// <summary>One group's link on one tier: when its point-to-point and its collective streams are next free, and the collective last put on it.</summary>
    private struct Lane
    {
        public double SendFree, CollectiveFree;
        public int LastSlot;
    }

    /// <summary>One collective: how many members asked and the latest ask (time, member, pass), what held it back on a link, when it ran.</summary>
    internal struct SlotState
    {
        public int Arrivals, Requester, RequesterGroup, LinkCause;
        public double Ready, Start, End;
    }

    /// <summary>
    /// How long <paramref name="seconds"/> of traffic takes on a link whose other stream still sends for <paramref name="busy"/>
    /// seconds: half speed while both send (max-min fair sharing of one link between two flows), full speed after: s + min(s, busy/2).
    /// </summary>
    private static double Shared(double seconds, double busy) => seconds + Math.Clamp(busy / 2, 0, seconds);

    /// <summary>The optimizer step, once every pass is done and every gradient collective has finished.</summary>
    private void TryFinish(int g)
    {
        ref var group = ref state[g];
        if (group.Finished || group.Next < n || group.GradientLeft > 0) return;
        group.Finished = true;
        int s = g / replicas;
        double start = Math.Max(group.Free, group.LastGradientEnd);
        group.DataParallel += start - group.Free;
        double seconds = (w.OptimizerSeconds.Length > 0 ? w.OptimizerSeconds[s] : 0) * (w.Slowdown.Length > 0 ? w.Slowdown[g] : 1);
        group.Optimizer = seconds;
        group.End = start + seconds;
        if (record && recorded[g] && seconds > 0) events.Add(new TimelineEvent(g, WorkKind.OptimizerStep, 0, -1, start, group.End));
    }
}
