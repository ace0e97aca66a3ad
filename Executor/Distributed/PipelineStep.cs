using System.Diagnostics;
using ScalePlanner.Executor.Data;
using ScalePlanner.Simulator.Layouts;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>Times of one stage's share of a step, and the sum of its micro-batch losses (last stage only, zero elsewhere).</summary>
public readonly record struct StageTimes(double Loss, double DataSeconds, double ForwardSeconds, double BackwardSeconds, double WaitSeconds);

/// <summary>What the update does during a step's backward passes: before a chunk's last backward, and after every backward of a micro-batch through a chunk.</summary>
public sealed record BackwardCallbacks(Action<int>? BeforeLastBackward = null, Action<int, int>? AfterBackward = null);

/// <summary>
/// Runs the forward and backward passes of one step's micro-batches through this rank's model chunks in the schedule's order
/// (<see cref="PipelineOrder"/>). Activations go to the next virtual stage and gradients of the input back to the previous one
/// with non-blocking sends in the format the model computes in (<see cref="PointToPoint"/>), so a rank only ever blocks on a
/// receive and the schedule cannot deadlock; every send is completed before the step ends. Virtual stage k = s + c·pp of chunk c
/// on stage s sends to stage (k + 1) mod pp; a message's tag names its virtual stage and micro-batch. Each micro-batch's loss is
/// divided by the micro-batch count, so the gradients are those of the mean loss over this replica's rows, exactly as in the
/// one-process gradient accumulation; with fp16 the loss is multiplied by the loss scale before backward.
/// </summary>
public sealed class PipelineStep(RankModel model, ProcessGrid grid, PipelineSchedule schedule, int microBatches, int microBatchSize, ContextSplit context,
    BackwardCallbacks callbacks)
{
    private readonly int virtualStages = grid.Stages * model.Chunks.Count;
    private readonly List<(nint Request, Tensor Buffer)> sends = [];
    private Tensor?[,] inputs = new Tensor?[0, 0], outputs = new Tensor?[0, 0];
    private Tensor?[] targets = [];
    private double loss, data, forward, backward, wait;

    /// <param name="rows">This replica's sample stream (null on stages that hold neither the first nor the last virtual stage).</param>
    public StageTimes Run(IBatchSource? rows, double lossScale)
    {
        (inputs, outputs, targets) = (new Tensor?[model.Chunks.Count, microBatches], new Tensor?[model.Chunks.Count, microBatches], new Tensor?[microBatches]);
        (loss, data, forward, backward, wait) = (0, 0, 0, 0, 0);
        if (model.Routing is { } routing) routing.AuxLossScale = lossScale / microBatches;   // the aux loss is scaled as the main loss
        foreach (var task in PipelineOrder.For(schedule, grid.Stage, grid.Stages, microBatches, model.Chunks.Count))
        {
            using var scope = NewDisposeScope();
            if (task.Forward) Forward(task.MicroBatch, task.Chunk, rows, lossScale);
            else Backward(task.MicroBatch, task.Chunk);
        }
        long w0 = Stopwatch.GetTimestamp();
        foreach (var (request, buffer) in sends)
        {
            grid.Mpi.Wait(request);
            buffer.Dispose();
        }
        sends.Clear();
        wait += Stopwatch.GetElapsedTime(w0).TotalSeconds;
        return new StageTimes(loss, data, forward, backward, wait);
    }

    private int VirtualStage(int chunk) => grid.Stage + chunk * grid.Stages;

    private int StageOf(int virtualStage) => (virtualStage + virtualStages) % grid.Stages;

    /// <summary>Tag of the activation entering virtual stage k (forward) or the gradient entering it (backward) for micro-batch m.</summary>
    private int Tag(int virtualStage, int m, bool gradient) => ((gradient ? virtualStages : 0) + virtualStage) * microBatches + m;

    private void Forward(int m, int chunk, IBatchSource? rows, double lossScale)
    {
        int k = VirtualStage(chunk);
        bool first = k == 0, last = k == virtualStages - 1;
        long t0 = Stopwatch.GetTimestamp();
        Tensor? tokenIds = null;
        if (chunk == 0 && (grid.FirstStage || grid.LastStage))
        {
            var (ids, next) = rows!.Next(microBatchSize);                               // (B, T): first stage's inputs, last stage's targets
            tokenIds = context.Take(ids);
            targets[m] = context.Take(next).MoveToOuterDisposeScope();
        }
        long t1 = Stopwatch.GetTimestamp();
        Tensor input = tokenIds!;
        if (!first)
        {
            input = empty([microBatchSize, context.Local, model.Spec.Hidden], dtype: model.Chunks[chunk].parameters().First().dtype);
            PointToPoint.Receive(grid.Mpi, input, StageOf(k - 1), Tag(k, m, gradient: false), grid.PipelineGroup);
            input.requires_grad_(true);
        }
        long t2 = Stopwatch.GetTimestamp();
        var output = model.Chunks[chunk].forward(input);
        if (last)
        {
            output = model.Chunks[chunk].Loss(output, targets[m]!) / microBatches;
            loss += output.item<float>();
            if (lossScale != 1) output = output * lossScale;
        }
        else Send(output.detach().contiguous(), StageOf(k + 1), Tag(k + 1, m, gradient: false));
        long t3 = Stopwatch.GetTimestamp();
        data += Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
        wait += Stopwatch.GetElapsedTime(t1, t2).TotalSeconds;
        forward += Stopwatch.GetElapsedTime(t2, t3).TotalSeconds;
        inputs[chunk, m] = input.MoveToOuterDisposeScope();
        outputs[chunk, m] = output.MoveToOuterDisposeScope();
    }

    private void Backward(int m, int chunk)
    {
        int k = VirtualStage(chunk);
        long t0 = Stopwatch.GetTimestamp();
        Tensor? gradient = null;
        if (k < virtualStages - 1)
        {
            gradient = empty_like(outputs[chunk, m]!);
            PointToPoint.Receive(grid.Mpi, gradient, StageOf(k + 1), Tag(k, m, gradient: true), grid.PipelineGroup);
        }
        long t1 = Stopwatch.GetTimestamp();
        if (m == microBatches - 1) callbacks.BeforeLastBackward?.Invoke(chunk);
        if (gradient is null) outputs[chunk, m]!.backward();
        else autograd.backward([outputs[chunk, m]!], [gradient]);
        if (k > 0) Send(inputs[chunk, m]!.grad!.contiguous(), StageOf(k - 1), Tag(k - 1, m, gradient: true));
        callbacks.AfterBackward?.Invoke(chunk, m);
        long t2 = Stopwatch.GetTimestamp();
        wait += Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
        backward += Stopwatch.GetElapsedTime(t1, t2).TotalSeconds;
        outputs[chunk, m]!.Dispose();
        inputs[chunk, m]!.Dispose();
        outputs[chunk, m] = inputs[chunk, m] = null;
        if (k == virtualStages - 1) targets[m]?.Dispose();
    }

    private void Send(Tensor buffer, int destination, int tag)
    {
        buffer = buffer.MoveToOuterDisposeScope();
        sends.Add((PointToPoint.StartSend(grid.Mpi, buffer, destination, tag, grid.PipelineGroup), buffer));
    }
}
