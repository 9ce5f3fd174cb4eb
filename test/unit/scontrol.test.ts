import { parseScontrolShowJob, scontrolShowJobArgv } from '../../server/src/slurm/scontrol';

// captured from `scontrol show job --details` of Slurm 22.05.8 (trimmed)
const OUT = `JobId=4 JobName=name with spaces | and, commas
   UserId=root(0) GroupId=root(0) MCS_label=N/A
   JobState=PENDING Reason=JobHeldUser Dependency=(null)
   Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0
   RunTime=00:00:00 TimeLimit=00:10:00 TimeMin=N/A
   Partition=batch AllocNode:Sid=localhost:5567
   NumNodes=1 NumCPUs=2 NumTasks=1 CPUs/Task=2 ReqB:S:C:T=0:0:*:*
   TRES=cpu=2,mem=100M,node=1,billing=2
   Command=/tmp/my dir/run job.sh --flag=1
   WorkDir=/tmp/my dir
   StdErr=/tmp/my dir/slurm-4.out
   StdOut=/tmp/my dir/slurm-4.out

JobId=5 ArrayJobId=5 ArrayTaskId=0 JobName=arr
   JobState=COMPLETED Reason=None Dependency=(null)
`;

describe('scontrol show job', () => {
  it('takes the id as its own argument', () => {
    expect(scontrolShowJobArgv('12_[1-3]')).toEqual(['scontrol', 'show', 'job', '--details', '12_[1-3]']);
  });

  it('parses multi-job output with spaces in values and paths', () => {
    const [a, b] = parseScontrolShowJob(OUT);
    expect(a).toMatchObject({
      JobId: '4',
      JobName: 'name with spaces | and, commas',
      JobState: 'PENDING',
      Reason: 'JobHeldUser',
      TimeLimit: '00:10:00',
      'AllocNode:Sid': 'localhost:5567',
      'CPUs/Task': '2',
      TRES: 'cpu=2,mem=100M,node=1,billing=2',
      Command: '/tmp/my dir/run job.sh --flag=1',
      StdOut: '/tmp/my dir/slurm-4.out',
      ExitCode: '0:0'
    });
    expect(b).toMatchObject({ JobId: '5', ArrayTaskId: '0', JobState: 'COMPLETED' });
  });

  it('throws on output without a job', () => {
    expect(() => parseScontrolShowJob('slurm_load_jobs error: Invalid job id specified\n')).toThrow(
      /unexpected scontrol output/
    );
  });
});
