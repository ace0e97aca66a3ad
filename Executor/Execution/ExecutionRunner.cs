namespace ScalePlanner.Executor.Execution;

/// <summary>
/// The executor's entry point: checks that it can run the request (<see cref="ExecutionSupport"/>), then runs it in this
/// process (<see cref="SingleProcessExecution"/>) or across dp·tp·pp processes under Open MPI (<see cref="DistributedExecution"/>).
/// </summary>
public static class ExecutionRunner
{
    public static ExecutionOutcome Run(ExecutionRequest request, IExecutionObserver observer)
    {
        ExecutionSupport.Require(request);
        return request.Layout.Devices > 1 ? DistributedExecution.Run(request, observer) : SingleProcessExecution.Run(request, observer);
    }
}
