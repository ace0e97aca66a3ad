using ScalePlanner.Executor.Checkpoints;

namespace ScalePlanner.Executor.Execution;

/// <summary>
/// The executor's entry point: checks that it can run the request (<see cref="ExecutionSupport"/>) and that the checkpoint
/// folder takes files (<see cref="CheckpointStore.Prepare"/>, before step 1; a resume from a folder that does not exist is
/// refused without making it), then runs it in this
/// process (<see cref="SingleProcessExecution"/>) or across dp·tp·pp processes under Open MPI (<see cref="DistributedExecution"/>).
/// </summary>
public static class ExecutionRunner
{
    public static ExecutionOutcome Run(ExecutionRequest request, IExecutionObserver observer)
    {
        ExecutionSupport.Require(request);
        if (request.Checkpoints is { } checkpoints)
        {
            if (request.Resume && !Directory.Exists(checkpoints.Folder))   // refused before Prepare would make the folder
                throw new Simulator.Specs.SpecException("--resume", $"no valid checkpoint in '{checkpoints.Folder}': the folder does not exist");
            foreach (string stale in new CheckpointStore(checkpoints.Folder).Prepare()) observer.Log($"removed {stale}, left by a writer that was stopped");
        }
        return request.Layout.Devices > 1 ? DistributedExecution.Run(request, observer) : SingleProcessExecution.Run(request, observer);
    }
}
