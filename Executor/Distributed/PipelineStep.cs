using System.Diagnostics;
using ScalePlanner.Executor.Data;
using ScalePlanner.Simulator.Layouts;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>Times of one stage's share of a step, and the sum of its micro-batch losses (last stage only, zero elsewhere).</summary>
public readonly record struct StageTimes(double Loss, double DataSeconds, double ForwardSeconds, double BackwardSeconds, double WaitSeconds);

/// <summary>
/// Runs the forward and backward passes of one step's micro-batches on this stage in the schedule's order
/// (<see cref="PipelineOrder"/>). Activations go to the next stage and gradients of the input back to the previous one with
/// non-blocking sends, so a rank only ever blocks on a receive and the schedule cannot deadlock; every send is completed before
/// the step ends. Each micro-batch's loss is divided by the micro-batch count, so the gradients are those of the mean loss
/// over this replica's rows, exactly as in the one-process gradient accumulation.
/// </summary>
public static class PipelineStep
{
    /// <param name="beforeLastBackward">Called just before the step's last backward pass (overlapped gradient reduction arms itself here).</param>
    public static StageTimes Run(StageModel stage, ProcessGrid grid, PipelineSchedule schedule, IBatchSource rows, int microBatches, int microBatchSize,
        Action? beforeLastBackward = null)
    {
        var model = stage.Spec;
        long[] hiddenShape = [microBatchSize, model.SequenceLength, model.Hidden];
        var inputs = new Tensor?[microBatches];
        var outputs = new Tensor?[microBatches];
        var sends = new List<(nint Request, Tensor Buffer)>();
        double loss = 0, data = 0, forward = 0, backward = 0, wait = 0;
        int previous = grid.Stage - 1, next = grid.Stage + 1;
        foreach (var task in PipelineOrder.For(schedule, grid.Stage, grid.Stages, microBatches))
        {
            int m = task.MicroBatch;
            using var scope = NewDisposeScope();
            if (task.Forward)
            {
                long t0 = Stopwatch.GetTimestamp();
                Tensor? tokenIds = null, targets = null;
                if (grid.FirstStage || grid.LastStage) (tokenIds, targets) = rows.Next(microBatchSize);
                long t1 = Stopwatch.GetTimestamp();
                Tensor input = tokenIds!;
                if (!grid.FirstStage)
                {
                    input = empty(hiddenShape);
                    grid.Mpi.Receive(TensorMemory.Floats(input), previous, m, grid.PipelineGroup);
                    input.requires_grad_(true);
                }
                long t2 = Stopwatch.GetTimestamp();
                var output = stage.forward(input);
                if (grid.LastStage)
                {
                    output = stage.Loss(output, targets!) / microBatches;
                    loss += output.item<float>();
                }
                else sends.Add(Send(grid, output.detach().contiguous(), next, m));
                long t3 = Stopwatch.GetTimestamp();
                data += Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
                wait += Stopwatch.GetElapsedTime(t1, t2).TotalSeconds;
                forward += Stopwatch.GetElapsedTime(t2, t3).TotalSeconds;
                inputs[m] = input.MoveToOuterDisposeScope();
                outputs[m] = output.MoveToOuterDisposeScope();
            }
            else
            {
                long t0 = Stopwatch.GetTimestamp();
                Tensor? gradient = null;
                if (!grid.LastStage)
                {
                    gradient = empty(hiddenShape);
                    grid.Mpi.Receive(TensorMemory.Floats(gradient), next, m, grid.PipelineGroup);
                }
                long t1 = Stopwatch.GetTimestamp();
                if (m == microBatches - 1) beforeLastBackward?.Invoke();
                if (gradient is null) outputs[m]!.backward();
                else autograd.backward([outputs[m]!], [gradient]);
                if (!grid.FirstStage) sends.Add(Send(grid, inputs[m]!.grad!.contiguous(), previous, m));
                long t2 = Stopwatch.GetTimestamp();
                wait += Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
                backward += Stopwatch.GetElapsedTime(t1, t2).TotalSeconds;
                outputs[m]!.Dispose();
                inputs[m]!.Dispose();
                outputs[m] = inputs[m] = null;
            }
        }
        long w0 = Stopwatch.GetTimestamp();
        foreach (var (request, buffer) in sends)
        {
            grid.Mpi.Wait(request);
            buffer.Dispose();
        }
        wait += Stopwatch.GetElapsedTime(w0).TotalSeconds;
        return new StageTimes(loss, data, forward, backward, wait);
    }

    private static (nint, Tensor) Send(ProcessGrid grid, Tensor buffer, int destination, int tag)
    {
        buffer = buffer.MoveToOuterDisposeScope();
        return (grid.Mpi.StartSend(TensorMemory.Floats(buffer), destination, tag, grid.PipelineGroup), buffer);
    }
}
