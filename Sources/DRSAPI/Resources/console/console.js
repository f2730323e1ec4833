// drs console: a task list, its operations and a create form, built on the public API only
// (POST /v3/{project_id}/jobs, the batch lifecycle endpoints, POST /v3/auth/tokens). No build step, no dependencies.
'use strict';
(function () {
  // ---------------------------------------------------------------- catalogues (query-jobs.md §5, lifecycle.md §6)
  const STATUSES = ['CREATING', 'CREATE_FAILED', 'CONFIGURATION', 'STARTJOBING', 'WAITING_FOR_START', 'START_JOB_FAILED',
    'PAUSING', 'FULL_TRANSFER_STARTED', 'FULL_TRANSFER_FAILED', 'FULL_TRANSFER_COMPLETE', 'INCRE_TRANSFER_STARTED',
    'INCRE_TRANSFER_FAILED', 'RELEASE_RESOURCE_STARTED', 'RELEASE_RESOURCE_FAILED', 'RELEASE_RESOURCE_COMPLETE',
    'REBUILD_NODE_STARTED', 'REBUILD_NODE_FAILED', 'CHANGE_JOB_STARTED', 'CHANGE_JOB_FAILED', 'DELETED',
    'CHILD_TRANSFER_STARTING', 'CHILD_TRANSFER_STARTED', 'CHILD_TRANSFER_COMPLETE', 'CHILD_TRANSFER_FAILED',
    'RELEASE_CHILD_TRANSFER_STARTED', 'RELEASE_CHILD_TRANSFER_COMPLETE', 'NODE_UPGRADE_START', 'NODE_UPGRADE_COMPLETE',
    'NODE_UPGRADE_FAILED'];
  const ENGINES = ['mysql', 'mongodb', 'cloudDataGuard-mysql', 'gaussdbv5', 'mysql-to-kafka', 'taurus-to-kafka',
    'gaussdbv5ha-to-kafka', 'postgresql', 'oracle-to-mysql', 'oracle-to-gaussdbv5', 'oracle-to-gaussdbv5ha',
    'gaussdbv5-to-oracle', 'gaussdbv5ha-to-oracle', 'gaussdbv5-to-kafka', 'mysql-to-taurus', 'cloudDataGuard-cassandra',
    'cloudDataGuard-ddm', 'cloudDataGuard-taurus-to-mysql', 'cloudDataGuard-mysql-to-taurus'];
  const TABS = ['migration', 'sync', 'cloudDataGuard'];
  const NET_TYPES = ['eip', 'vpc', 'vpn'];
  const DB_TYPES = ['mysql', 'mongodb', 'gaussdbv5', 'gaussdbv5ha', 'postgresql', 'taurus', 'kafka'];
  const NODE_TYPES = ['micro', 'small', 'medium', 'high', 'xlarge', '2xlarge'];
  const TASK_TYPES = ['FULL_INCR_TRANS', 'FULL_TRANS', 'INCR_TRANS'];
  const PAGE_SIZES = [5, 10, 20, 50, 100];
  // The database type of each side, where the engine implies one the API knows.
  const ENGINE_SIDES = {
    'mysql': ['mysql', 'mysql'], 'mongodb': ['mongodb', 'mongodb'], 'cloudDataGuard-mysql': ['mysql', 'mysql'],
    'gaussdbv5': ['gaussdbv5', 'gaussdbv5'], 'mysql-to-kafka': ['mysql', 'kafka'], 'taurus-to-kafka': ['taurus', 'kafka'],
    'gaussdbv5ha-to-kafka': ['gaussdbv5ha', 'kafka'], 'postgresql': ['postgresql', 'postgresql'],
    'oracle-to-mysql': ['', 'mysql'], 'oracle-to-gaussdbv5': ['', 'gaussdbv5'], 'oracle-to-gaussdbv5ha': ['', 'gaussdbv5ha'],
    'gaussdbv5-to-oracle': ['gaussdbv5', ''], 'gaussdbv5ha-to-oracle': ['gaussdbv5ha', ''],
    'gaussdbv5-to-kafka': ['gaussdbv5', 'kafka'], 'mysql-to-taurus': ['mysql', 'taurus'],
    'cloudDataGuard-cassandra': ['', ''], 'cloudDataGuard-ddm': ['', ''],
    'cloudDataGuard-taurus-to-mysql': ['taurus', 'mysql'], 'cloudDataGuard-mysql-to-taurus': ['mysql', 'taurus'],
  };
  const DEFAULT_PORTS = { mysql: 3306, taurus: 3306, mongodb: 8635, postgresql: 5432, gaussdbv5: 8000, gaussdbv5ha: 8000, kafka: 9092 };
  // Badge colour per status; statuses whose pending step moves them on their own are "in motion".
  const TONE = {};
  STATUSES.forEach((s) => {
    TONE[s] = /FAILED$/.test(s) ? 'fail' : 'run';
  });
  ['INCRE_TRANSFER_STARTED', 'FULL_TRANSFER_COMPLETE', 'CHILD_TRANSFER_COMPLETE', 'NODE_UPGRADE_COMPLETE',
    'CHILD_TRANSFER_STARTED'].forEach((s) => { TONE[s] = 'ok'; });
  ['CONFIGURATION', 'WAITING_FOR_START'].forEach((s) => { TONE[s] = 'idle'; });
  ['RELEASE_RESOURCE_COMPLETE', 'DELETED', 'RELEASE_CHILD_TRANSFER_COMPLETE'].forEach((s) => { TONE[s] = 'gone'; });
  TONE.PAUSING = 'pause';
  const MOVING = new Set(['CREATING', 'STARTJOBING', 'WAITING_FOR_START', 'FULL_TRANSFER_STARTED', 'RELEASE_RESOURCE_STARTED',
    'REBUILD_NODE_STARTED', 'CHANGE_JOB_STARTED', 'CHILD_TRANSFER_STARTING', 'RELEASE_CHILD_TRANSFER_STARTED',
    'NODE_UPGRADE_START']);
  const POLL_MS = 1000; // while something visible moves
  const SLOW_POLL_MS = 10000; // once nothing visible has changed for SLOW_AFTER polls
  const SLOW_AFTER = 20;

  // ---------------------------------------------------------------- texts
  const STATUS_TEXT = {
    'en-us': ['Creating', 'Creation failed', 'Configuring', 'Starting', 'Waiting to start', 'Start failed', 'Paused',
      'Full transfer', 'Full transfer failed', 'Full transfer complete', 'Incremental transfer', 'Incremental transfer failed',
      'Ending', 'Ending failed', 'Ended', 'Rebuilding node', 'Node rebuild failed', 'Changing', 'Change failed', 'Deleted',
      'Subtask starting', 'Subtask transferring', 'Subtask complete', 'Subtask failed', 'Releasing subtask',
      'Subtask released', 'Upgrading node', 'Node upgraded', 'Node upgrade failed'],
    'zh-cn': ['创建中', '创建失败', '配置中', '启动中', '等待启动', '启动失败', '已暂停', '全量迁移中', '全量迁移失败',
      '全量迁移完成', '增量迁移中', '增量迁移失败', '结束任务中', '结束任务失败', '已结束', '故障恢复中', '故障恢复失败',
      '任务变更中', '任务变更失败', '已删除', '子任务启动中', '子任务迁移中', '子任务迁移完成', '子任务迁移失败',
      '子任务释放中', '子任务已释放', '版本升级中', '版本升级完成', '版本升级失败'],
  };
  const TEXT = {
    'en-us': {
      title: 'Replication tasks', skip: 'Skip to the task list', language: 'Language', signOut: 'Sign out', dismiss: 'Dismiss',
      'signin.tokenTitle': 'Sign in with a token', 'signin.tokenHint': 'A project ID and a token from drs token issue.',
      'signin.passwordTitle': 'Sign in with a user name',
      'signin.passwordHint': 'A user from drs user create; the token comes from POST /v3/auth/tokens.',
      projectId: 'Project ID', token: 'Token', signIn: 'Sign in', domain: 'Domain', userName: 'User name', password: 'Password',
      projectIdOrName: 'Project ID or name', scenarios: 'Scenarios',
      'tab.migration': 'Migration', 'tab.sync': 'Synchronization', 'tab.cloudDataGuard': 'Disaster recovery',
      'f.search': 'Name or task IDs', 'f.searchHint': 'A name fragment, or IDs separated by commas', 'f.engine': 'Engine',
      'f.status': 'Status', 'f.net': 'Network', 'f.eps': 'Enterprise project', 'f.any': 'Any', 'f.tag': 'Tag',
      'f.ip': 'Instance IP', 'f.apply': 'Search', 'f.reset': 'Reset', 'f.all': 'All',
      newTask: 'Create task', refresh: 'Refresh', 'col.subtasks': 'Subtasks', 'col.name': 'Name / ID', 'col.status': 'Status',
      'col.engine': 'Engine', 'col.net': 'Network', 'col.direction': 'Direction', 'col.created': 'Created (UTC)',
      'col.actions': 'Operations', pageSize: 'Per page', prev: 'Previous', next: 'Next', page: 'Page', pages: 'Pages',
      close: 'Close', cancel: 'Cancel',
      total: (n) => (n === 1 ? '1 task' : n + ' tasks'), pageOf: (p, n) => 'of ' + n,
      caption: (tab, n) => tab + ': ' + n + ' tasks, newest first',
      'auto.on': 'Refreshing every second', 'auto.slow': 'Refreshing every 10 seconds', 'auto.off': '',
      'auto.wait': (s) => 'Retrying in ' + s + ' s',
      loading: 'Loading…', empty: 'No tasks match.', emptyPage: 'This page is empty.', 'loadFailed': 'The task list could not be loaded.',
      expand: (n) => 'Show ' + n + ' subtasks', collapse: 'Hide subtasks', subtask: 'Subtask',
      'net.eip': 'Public network', 'net.vpc': 'VPC', 'net.vpn': 'VPN / Direct Connect',
      'dir.up': 'To the cloud', 'dir.down': 'Out of the cloud', 'dir.non-dbs': 'Self-built',
      'cur.STOP_JOB': 'Pausing…', 'cur.SWITCH_OVER': 'Switching over…',
      'act.start': 'Start', 'act.precheck': 'Pre-check', 'act.pause': 'Pause', 'act.resume': 'Resume', 'act.retry': 'Retry',
      'act.switchover': 'Switch over', 'act.end': 'End', 'act.delete': 'Delete', 'act.forceEnd': 'Force end',
      'ok.start': 'Start accepted.', 'ok.pause': 'Pause accepted.', 'ok.resume': 'Resume accepted.', 'ok.retry': 'Retry accepted.',
      'ok.switchover': 'Switchover accepted.', 'ok.end': 'End accepted: releasing resources.', 'ok.delete': 'Deleted.',
      'ok.forceEnd': 'Force end accepted: releasing resources.', 'ok.precheck': (r) => 'Pre-check passed (' + r + ').',
      'fail.precheck': (r) => 'Pre-check failed (' + r + ' passed).', 'run.precheck': (p) => 'Pre-check running… ' + p,
      working: 'Working…',
      'confirm.end': 'End this task?', 'confirm.endText': (n) => 'The task “' + n + '” stops replicating and its replication instance is released. This cannot be undone.',
      'confirm.forceEnd': 'Force end this task?', 'confirm.forceEndText': (n) => 'The task “' + n + '” is ended whatever it is doing, and any operation in progress is abandoned. This cannot be undone.',
      'confirm.delete': 'Delete this task?', 'confirm.deleteText': (n) => 'The task “' + n + '” is deleted and leaves the list. This cannot be undone.',
      'confirm.switchover': 'Switch over?', 'confirm.switchoverText': (n) => 'The primary and standby of “' + n + '” swap roles: the replication direction is reversed.',
      'confirm.pauseAfter': 'Pause the task after the switchover',
      'signin.expired': 'Your session has expired. Sign in again.',
      'signin.tokenExpired': 'This token has expired (APIGW.0307): issue a new one.',
      'signin.rejected': (m) => 'Your token was not accepted (' + m + '). Sign in again.',
      'signin.signedOut': 'You have signed out.', 'signin.missing': 'Fill in every field.',
      'signin.badProject': 'A project ID is 32 lowercase hexadecimal characters.', 'signin.checking': 'Signing in…',
      who: (p, u) => (u ? u + ' · ' : '') + 'project ' + p,
      'err.network': 'The drs server cannot be reached. Check that it is running, then try again.',
      'err.403': (m) => 'Access denied: ' + m, 'err.429': (s) => 'Too many requests: the throttling threshold has been reached. Try again in ' + s + ' s.',
      'err.5xx': (m) => 'The service could not answer: ' + m + ' Try again later.', 'err.unexpected': (m) => 'Something went wrong in the console: ' + m,
      requestId: 'Request ID',
      'd.title': 'Task details', 'd.loading': 'Loading details…', 'd.id': 'ID', 'd.parent': 'Parent task', 'd.status': 'Status',
      'd.description': 'Description', 'd.scenario': 'Scenario', 'd.engine': 'Engine', 'd.taskType': 'Task type',
      'd.direction': 'Direction', 'd.net': 'Network', 'd.created': 'Created', 'd.updated': 'Updated', 'd.started': 'Started',
      'd.fullDone': 'Full transfer completed', 'd.failed': 'Failure reason', 'd.source': 'Source', 'd.target': 'Target',
      'd.instance': 'Replication instance', 'd.nodes': 'Nodes', 'd.tags': 'Tags', 'd.progress': 'Progress',
      'd.remaining': (s) => s + ' s left', 'd.delay': 'Incremental delay', 'd.readonly': 'Target read-only', 'd.multiWrite': 'Dual-active',
      'd.subnet': 'Subnet', 'd.az': 'Availability zones', none: '—', yes: 'Yes', no: 'No',
      'scn.migration': 'Real-time migration', 'scn.sync': 'Real-time synchronization', 'scn.cloudDataGuard': 'Disaster recovery',
      'tt.FULL_INCR_TRANS': 'Full + incremental', 'tt.FULL_TRANS': 'Full only', 'tt.INCR_TRANS': 'Incremental only',
      'c.title': 'Create a task', 'c.hint': 'Creates the task, tests both connections, runs the pre-check, then starts it.',
      'c.name': 'Task name', 'c.scenario': 'Scenario', 'c.direction': 'Direction', 'c.taskType': 'Task type',
      'c.nodeType': 'Instance size', 'c.subnet': 'Subnet ID', 'c.source': 'Source database', 'c.target': 'Target database',
      'c.dbType': 'Database type', 'c.ip': 'IP address or host', 'c.port': 'Port', 'c.user': 'Database user',
      'c.instance': 'Instance ID (cloud)', 'c.region': 'Region (cloud)', 'c.autostart': 'Start the task when the pre-check passes',
      'c.submit': 'Create and start', 'c.submitNoStart': 'Create and pre-check', 'c.required': (f) => 'Fill in: ' + f + '.',
      'c.other': '(other)',
      'step.create': 'Create the task', 'step.configure': 'Wait for the configuration status', 'step.connection': 'Test the source and target connections',
      'step.precheck': 'Pre-check', 'step.start': 'Start', 'step.watch': 'Replicate',
      'step.created': (id) => 'Created: ' + id, 'step.connOk': (s) => 'Both connections succeeded' + s + '.',
      'step.connSkipped': (sides) => ' (' + sides + ' skipped: no database type)', 'step.skipped': 'Skipped.',
      'step.started': 'Start accepted.', 'step.timeout': 'Timed out waiting.', 'step.openTask': 'Show the task',
    },
    'zh-cn': {
      title: '复制任务', skip: '跳到任务列表', language: '语言', signOut: '退出', dismiss: '关闭',
      'signin.tokenTitle': '使用令牌登录', 'signin.tokenHint': '项目ID和 drs token issue 生成的令牌。',
      'signin.passwordTitle': '使用用户名登录', 'signin.passwordHint': 'drs user create 创建的用户；令牌来自 POST /v3/auth/tokens。',
      projectId: '项目ID', token: '令牌', signIn: '登录', domain: '账号名', userName: '用户名', password: '密码',
      projectIdOrName: '项目ID或名称', scenarios: '场景',
      'tab.migration': '实时迁移', 'tab.sync': '实时同步', 'tab.cloudDataGuard': '实时灾备',
      'f.search': '名称或任务ID', 'f.searchHint': '名称片段，或以逗号分隔的任务ID', 'f.engine': '引擎', 'f.status': '状态',
      'f.net': '网络类型', 'f.eps': '企业项目', 'f.any': '任意', 'f.tag': '标签', 'f.ip': '实例IP', 'f.apply': '搜索',
      'f.reset': '重置', 'f.all': '全部',
      newTask: '创建任务', refresh: '刷新', 'col.subtasks': '子任务', 'col.name': '名称/ID', 'col.status': '状态',
      'col.engine': '引擎', 'col.net': '网络类型', 'col.direction': '方向', 'col.created': '创建时间 (UTC)', 'col.actions': '操作',
      pageSize: '每页', prev: '上一页', next: '下一页', page: '第', pages: '分页', close: '关闭', cancel: '取消',
      total: (n) => '共 ' + n + ' 个任务', pageOf: (p, n) => '页，共 ' + n + ' 页',
      caption: (tab, n) => tab + '：' + n + ' 个任务，最新的在前',
      'auto.on': '每秒自动刷新', 'auto.slow': '每 10 秒自动刷新', 'auto.off': '', 'auto.wait': (s) => s + ' 秒后重试',
      loading: '加载中…', empty: '没有符合条件的任务。', emptyPage: '此页没有任务。', loadFailed: '无法加载任务列表。',
      expand: (n) => '显示 ' + n + ' 个子任务', collapse: '隐藏子任务', subtask: '子任务',
      'net.eip': '公网网络', 'net.vpc': 'VPC网络', 'net.vpn': 'VPN、专线网络',
      'dir.up': '入云', 'dir.down': '出云', 'dir.non-dbs': '自建-自建',
      'cur.STOP_JOB': '暂停中…', 'cur.SWITCH_OVER': '主备倒换中…',
      'act.start': '启动', 'act.precheck': '预检查', 'act.pause': '暂停', 'act.resume': '续传', 'act.retry': '重试',
      'act.switchover': '主备倒换', 'act.end': '结束', 'act.delete': '删除', 'act.forceEnd': '强制结束',
      'ok.start': '已接受启动。', 'ok.pause': '已接受暂停。', 'ok.resume': '已接受续传。', 'ok.retry': '已接受重试。',
      'ok.switchover': '已接受主备倒换。', 'ok.end': '已接受结束：正在释放资源。', 'ok.delete': '已删除。',
      'ok.forceEnd': '已接受强制结束：正在释放资源。', 'ok.precheck': (r) => '预检查通过（' + r + '）。',
      'fail.precheck': (r) => '预检查未通过（通过率 ' + r + '）。', 'run.precheck': (p) => '预检查进行中… ' + p,
      working: '处理中…',
      'confirm.end': '结束此任务？', 'confirm.endText': (n) => '任务“' + n + '”将停止复制并释放复制实例。此操作无法撤销。',
      'confirm.forceEnd': '强制结束此任务？', 'confirm.forceEndText': (n) => '无论任务“' + n + '”正在做什么都会被结束，进行中的操作将被放弃。此操作无法撤销。',
      'confirm.delete': '删除此任务？', 'confirm.deleteText': (n) => '任务“' + n + '”将被删除并从列表中移除。此操作无法撤销。',
      'confirm.switchover': '主备倒换？', 'confirm.switchoverText': (n) => '“' + n + '”的主备角色互换：复制方向将反转。',
      'confirm.pauseAfter': '倒换后暂停任务',
      'signin.expired': '登录已过期，请重新登录。', 'signin.tokenExpired': '此令牌已过期（APIGW.0307），请重新生成。', 'signin.rejected': (m) => '令牌未被接受（' + m + '），请重新登录。',
      'signin.signedOut': '您已退出。', 'signin.missing': '请填写所有字段。', 'signin.badProject': '项目ID为32位小写十六进制字符。',
      'signin.checking': '正在登录…', who: (p, u) => (u ? u + ' · ' : '') + '项目 ' + p,
      'err.network': '无法连接 drs 服务器。请确认它正在运行，然后重试。', 'err.403': (m) => '拒绝访问：' + m,
      'err.429': (s) => '请求过多：已达到流控阈值。请在 ' + s + ' 秒后重试。', 'err.5xx': (m) => '服务无法响应：' + m + ' 请稍后重试。',
      'err.unexpected': (m) => '控制台出错：' + m, requestId: '请求ID',
      'd.title': '任务详情', 'd.loading': '正在加载详情…', 'd.id': 'ID', 'd.parent': '父任务', 'd.status': '状态', 'd.description': '描述',
      'd.scenario': '场景', 'd.engine': '引擎', 'd.taskType': '迁移模式', 'd.direction': '方向', 'd.net': '网络类型',
      'd.created': '创建时间', 'd.updated': '更新时间', 'd.started': '启动时间', 'd.fullDone': '全量完成时间', 'd.failed': '失败原因',
      'd.source': '源库', 'd.target': '目标库', 'd.instance': '复制实例', 'd.nodes': '节点数', 'd.tags': '标签', 'd.progress': '进度',
      'd.remaining': (s) => '剩余 ' + s + ' 秒', 'd.delay': '增量时延', 'd.readonly': '目标库只读', 'd.multiWrite': '双主灾备',
      'd.subnet': '子网', 'd.az': '可用区', none: '—', yes: '是', no: '否',
      'scn.migration': '实时迁移', 'scn.sync': '实时同步', 'scn.cloudDataGuard': '实时灾备',
      'tt.FULL_INCR_TRANS': '全量+增量', 'tt.FULL_TRANS': '全量', 'tt.INCR_TRANS': '增量',
      'c.title': '创建任务', 'c.hint': '创建任务，测试源库和目标库连接，执行预检查，然后启动。', 'c.name': '任务名称',
      'c.scenario': '场景', 'c.direction': '方向', 'c.taskType': '迁移模式', 'c.nodeType': '实例规格', 'c.subnet': '子网ID',
      'c.source': '源库', 'c.target': '目标库', 'c.dbType': '数据库类型', 'c.ip': 'IP地址或域名', 'c.port': '端口',
      'c.user': '数据库用户名', 'c.instance': '实例ID（云上）', 'c.region': '区域（云上）', 'c.autostart': '预检查通过后启动任务',
      'c.submit': '创建并启动', 'c.submitNoStart': '创建并预检查', 'c.required': (f) => '请填写：' + f + '。', 'c.other': '（其他）',
      'step.create': '创建任务', 'step.configure': '等待进入配置状态', 'step.connection': '测试源库和目标库连接', 'step.precheck': '预检查',
      'step.start': '启动', 'step.watch': '复制', 'step.created': (id) => '已创建：' + id,
      'step.connOk': (s) => '两端连接均成功' + s + '。', 'step.connSkipped': (sides) => '（' + sides + ' 已跳过：没有数据库类型）',
      'step.skipped': '已跳过。', 'step.started': '已接受启动。', 'step.timeout': '等待超时。', 'step.openTask': '查看任务',
    },
  };

  // ---------------------------------------------------------------- small helpers
  const $ = (id) => document.getElementById(id);
  let lang = 'en-us';
  function t(key, ...args) {
    const value = TEXT[lang][key] !== undefined ? TEXT[lang][key] : TEXT['en-us'][key];
    if (value === undefined) return key;
    return typeof value === 'function' ? value(...args) : value;
  }
  function statusText(status) {
    const index = STATUSES.indexOf(status);
    return index < 0 ? status : STATUS_TEXT[lang][index];
  }
  // el('tag', {class, text, attrs...}, children...): attributes only, never HTML strings.
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key === 'class') node.className = value;
      else if (key === 'on') for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
      else if (key === 'value') node.value = value;
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child);
    return node;
  }
  function options(select, values, label, keep) {
    const previous = keep ? select.value : null;
    select.replaceChildren(...values.map((v) => el('option', { value: v, text: label ? label(v) : v })));
    if (previous !== null && values.includes(previous)) select.value = previous;
  }
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  function epoch(ms) {
    if (!ms || ms === '0' || !/^-?\d+$/.test(ms)) return t('none');
    return new Date(Number(ms)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  }

  // ---------------------------------------------------------------- the API
  class ApiError extends Error {
    constructor(status, code, message, requestId, retryAfter) {
      super(message);
      this.status = status;
      this.code = code;
      this.requestId = requestId;
      this.retryAfter = retryAfter;
    }
  }
  let session = null; // {project, token, user, expires}

  // auth: true (send the token; a 401 ends the session), 'probe' (send it; the caller handles a 401), false (none).
  async function api(method, path, body, auth = true) {
    const headers = { 'Content-Type': 'application/json', 'X-Language': lang };
    if (auth) headers['X-Auth-Token'] = session.token;
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
    } catch (error) {
      throw new ApiError(0, '', t('err.network'), '', 0);
    }
    const requestId = response.headers.get('X-Request-Id') || '';
    const text = await response.text().catch(() => '');
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (error) { data = null; }
    if (!response.ok) {
      const code = (data && data.error_code) || '';
      const message = (data && data.error_msg) || (response.status + ' ' + response.statusText);
      const error = new ApiError(response.status, code, message, requestId, Number(response.headers.get('Retry-After')) || 1);
      if (response.status === 401 && auth === true) sessionEnded(error);
      throw error;
    }
    if (data === null) throw new ApiError(response.status, '', t('err.5xx', 'the answer is not JSON.'), requestId, 0);
    return { status: response.status, data, headers: response.headers };
  }
  const jobsPath = (suffix) => '/v3/' + session.project + '/jobs' + (suffix ? '/' + suffix : '');
  // One item of a batch endpoint: {ok, code, message, item}.
  async function batch(method, suffix, body) {
    const { data } = await api(method, jobsPath(suffix), body);
    const item = (data.results || [])[0] || {};
    const ok = !item.error_code && item.status !== 'failed' && item.success !== false;
    return { ok, code: item.error_code || '', message: item.error_msg || item.error_message || '', item };
  }
  function describe(error) {
    if (!(error instanceof ApiError)) return t('err.unexpected', String(error && error.message || error));
    const coded = error.message + (error.code ? ' (' + error.code + ')' : '');
    let text;
    if (error.status === 0) text = error.message;
    else if (error.status === 403) text = t('err.403', coded);
    else if (error.status === 429) text = t('err.429', error.retryAfter) + ' (' + (error.code || '429') + ')';
    else if (error.status >= 500) text = t('err.5xx', coded);
    else text = coded;
    return error.requestId ? text + ' ' + t('requestId') + ': ' + error.requestId : text;
  }

  // ---------------------------------------------------------------- banner (errors that concern the whole page)
  function showBanner(text, kind) {
    $('banner-text').textContent = text;
    $('banner').dataset.kind = kind || 'error';
    $('banner').hidden = false;
  }
  function clearBanner() {
    $('banner').hidden = true;
    $('banner-text').textContent = '';
  }
  window.addEventListener('error', (event) => showBanner(t('err.unexpected', event.message)));
  window.addEventListener('unhandledrejection', (event) => {
    const reason = event.reason;
    if (reason instanceof ApiError && reason.status === 401) return;
    showBanner(describe(reason));
  });

  // ---------------------------------------------------------------- language
  function applyLanguage() {
    document.documentElement.lang = lang === 'zh-cn' ? 'zh-CN' : 'en';
    $('lang').value = lang;
    document.querySelectorAll('[data-i18n]').forEach((node) => { node.textContent = t(node.dataset.i18n); });
    document.querySelectorAll('[data-i18n-placeholder]').forEach((node) => { node.placeholder = t(node.dataset.i18nPlaceholder); });
    document.querySelectorAll('[data-i18n-aria]').forEach((node) => { node.setAttribute('aria-label', t(node.dataset.i18nAria)); });
    document.title = (lang === 'zh-cn' ? 'drs 控制台' : 'drs console');
    fillFilterOptions();
    fillCreateOptions();
    updateCreateSubmitLabel();
    if (session) showWho();
  }

  // ---------------------------------------------------------------- sign-in
  function saveSession() {
    sessionStorage.setItem('drs.session', JSON.stringify(session));
  }
  function loadSession() {
    try {
      const stored = JSON.parse(sessionStorage.getItem('drs.session') || 'null');
      if (stored && stored.project && stored.token) return stored;
    } catch (error) { /* ignore */ }
    return null;
  }
  function showSignin(message) {
    stopPolling();
    closeDialogs();
    $('main-view').hidden = true;
    $('sign-out').hidden = true;
    $('who').hidden = true;
    $('signin-view').hidden = false;
    $('signin-message').textContent = message || '';
    $('signin-message').hidden = !message;
    clearBanner();
    const project = sessionStorage.getItem('drs.lastProject');
    if (project && !$('signin-project').value) $('signin-project').value = project;
    ($('signin-project').value ? $('signin-token') : $('signin-project')).focus();
  }
  function sessionEnded(error) {
    if (!session) return;
    session = null;
    sessionStorage.removeItem('drs.session');
    showSignin(error.code === 'APIGW.0307' ? t('signin.expired') : t('signin.rejected', error.message));
  }
  function showWho() {
    $('who').textContent = t('who', session.project, session.user);
    $('who').hidden = false;
  }
  function signedIn(newSession) {
    session = newSession;
    saveSession();
    sessionStorage.setItem('drs.lastProject', session.project);
    $('signin-token').value = '';
    $('signin-password').value = '';
    enterMain();
  }
  function enterMain() {
    $('signin-view').hidden = true;
    $('main-view').hidden = false;
    $('sign-out').hidden = false;
    showWho();
    loaded = false;
    fingerprint = '';
    readHash();
    canonicalHash();
    syncControls();
    load();
    if (view.detail) openDetail(view.detail, false);
    else closeDetail(false);
  }
  function signinMessage(text) {
    $('signin-message').textContent = text;
    $('signin-message').hidden = false;
  }
  async function signinWithToken(event) {
    event.preventDefault();
    const project = $('signin-project').value.trim();
    const token = $('signin-token').value.trim();
    if (!project || !token) return signinMessage(t('signin.missing'));
    if (!/^[0-9a-f]{32}$/.test(project)) return signinMessage(t('signin.badProject'));
    signinMessage(t('signin.checking'));
    session = { project, token, user: '' };
    try {
      await api('POST', jobsPath(), { db_use_type: 'migration', engine_type: '', cur_page: 1, per_page: 1 }, 'probe');
      signedIn(session);
    } catch (error) {
      session = null;
      if (error.status === 401) signinMessage(error.code === 'APIGW.0307' ? t('signin.tokenExpired') : t('signin.rejected', error.message + (error.code ? ' ' + error.code : '')));
      else signinMessage(describe(error));
    }
  }
  async function signinWithPassword(event) {
    event.preventDefault();
    const domain = $('signin-domain').value.trim();
    const user = $('signin-user').value.trim();
    const password = $('signin-password').value;
    const scope = $('signin-scope').value.trim();
    if (!domain || !user || !password || !scope) return signinMessage(t('signin.missing'));
    signinMessage(t('signin.checking'));
    const body = {
      auth: {
        identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: domain } } } },
        scope: { project: /^[0-9a-f]{32}$/.test(scope) ? { id: scope } : { name: scope } },
      },
    };
    try {
      const { data, headers } = await api('POST', '/v3/auth/tokens', body, false);
      const token = headers.get('X-Subject-Token');
      if (!token || !data.token || !data.token.project) throw new ApiError(500, '', 'no token in the answer', '', 0);
      signedIn({ project: data.token.project.id, token, user: data.token.user.name + '@' + data.token.user.domain.name, expires: data.token.expires_at });
    } catch (error) {
      signinMessage(describe(error));
    }
  }
  function signOut() {
    session = null;
    sessionStorage.removeItem('drs.session');
    showSignin(t('signin.signedOut'));
  }

  // ---------------------------------------------------------------- the view and the URL (#tab=sync&status=…&page=2)
  const DEFAULT_VIEW = { tab: 'migration', q: '', engine: '', status: '', net: '', eps: '', tag: '', ip: '', page: 1, size: 10, detail: '' };
  let view = { ...DEFAULT_VIEW };
  function readHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    const next = { ...DEFAULT_VIEW };
    for (const key of Object.keys(DEFAULT_VIEW)) if (params.has(key)) next[key] = params.get(key);
    if (!TABS.includes(next.tab)) next.tab = 'migration';
    if (next.engine && !ENGINES.includes(next.engine)) next.engine = '';
    if (next.status && !STATUSES.includes(next.status)) next.status = '';
    if (next.net && !NET_TYPES.includes(next.net)) next.net = '';
    next.page = Math.max(1, parseInt(next.page, 10) || 1);
    next.size = PAGE_SIZES.includes(Number(next.size)) ? Number(next.size) : 10;
    view = next;
  }
  function hashOf(v) {
    const params = new URLSearchParams();
    for (const key of Object.keys(DEFAULT_VIEW)) {
      if (key === 'tab' || String(v[key]) !== String(DEFAULT_VIEW[key])) params.set(key, v[key]);
    }
    return '#' + params.toString();
  }
  // Every change of the view goes through the URL; the hashchange handler loads.
  function navigate(changes, replace) {
    const next = { ...view, ...changes };
    const hash = hashOf(next);
    if (hash === location.hash) {
      view = next;
      syncControls();
      load();
    } else if (replace) {
      history.replaceState(null, '', hash);
      view = next;
      syncControls();
      load();
    } else {
      location.hash = hash;
    }
  }
  function onHashChange() {
    if (!session) return;
    const before = view.detail;
    readHash();
    canonicalHash();
    syncControls();
    load();
    if (view.detail !== before) view.detail ? openDetail(view.detail, false) : closeDetail(false);
  }
  function canonicalHash() {
    if (hashOf(view) !== location.hash) history.replaceState(null, '', hashOf(view));
  }
  function syncControls() {
    for (const tab of TABS) {
      const button = $('tab-' + tab);
      const selected = tab === view.tab;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
    }
    $('f-search').value = view.q;
    $('f-engine').value = view.engine;
    $('f-status').value = view.status;
    $('f-net').value = view.net;
    $('f-eps').value = view.eps;
    $('f-tag').value = view.tag;
    $('f-ip').value = view.ip;
    $('page-size').value = String(view.size);
    $('page-number').value = String(view.page);
  }
  function fillFilterOptions() {
    options($('f-engine'), [''].concat(ENGINES), (v) => v || t('f.all'), true);
    options($('f-status'), [''].concat(STATUSES), (v) => (v ? statusText(v) + ' · ' + v : t('f.all')), true);
    options($('f-net'), [''].concat(NET_TYPES), (v) => (v ? t('net.' + v) : t('f.all')), true);
    if (session) syncControls();
  }
  function filtersFromForm() {
    return {
      q: $('f-search').value.trim(), engine: $('f-engine').value, status: $('f-status').value, net: $('f-net').value,
      eps: $('f-eps').value.trim(), tag: $('f-tag').value.trim(), ip: $('f-ip').value.trim(), page: 1,
    };
  }
  // "env=prod, team" -> [{key: "env", value: "prod"}, {key: "team", value: ""}] (an empty value matches any value).
  function parseTags(text) {
    return text.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
      const at = part.indexOf('=');
      return at < 0 ? { key: part, value: '' } : { key: part.slice(0, at).trim(), value: part.slice(at + 1).trim() };
    });
  }
  function queryBody() {
    const body = { db_use_type: view.tab, engine_type: view.engine, cur_page: view.page, per_page: view.size };
    if (view.status) body.status = view.status;
    if (view.net) body.net_type = view.net;
    if (view.eps) body.enterprise_project_id = view.eps;
    if (view.q) body.name = view.q;
    if (view.ip) body.instance_ip = view.ip;
    if (view.tag) body.tags = parseTags(view.tag);
    return body;
  }

  // ---------------------------------------------------------------- loading and auto-refresh
  let jobs = [];
  let total = 0;
  let loaded = false;
  let loadSeq = 0;
  let timer = null;
  let unchanged = 0;
  let fingerprint = '';
  const expanded = new Set();
  const results = new Map(); // task ID -> {ok, text} of its last operation
  const busy = new Set(); // task IDs with an operation in flight
  const progress = new Map(); // task ID -> batch-progress item

  function stopPolling() {
    clearTimeout(timer);
    timer = null;
    setAuto('off');
  }
  function setAuto(state, seconds) {
    const node = $('auto-refresh');
    node.dataset.state = state;
    node.textContent = state === 'on' ? t('auto.on') : state === 'slow' ? t('auto.slow') : state === 'wait' ? t('auto.wait', seconds) : '';
  }
  function visibleTasks() {
    const all = [];
    for (const job of jobs) {
      all.push(job);
      for (const child of job.children || []) all.push(child);
    }
    return all;
  }
  function inMotion(job) {
    return Boolean(job.job_action && job.job_action.current_action) || MOVING.has(job.status) ||
      (job.status === 'FULL_TRANSFER_COMPLETE' && job.task_type === 'FULL_INCR_TRANS');
  }
  function schedule(error) {
    clearTimeout(timer);
    timer = null;
    if (!session) return;
    if (error) {
      if (error.status === 429 || error.status === 0 || error.status >= 500) {
        const seconds = error.status === 429 ? Math.max(1, error.retryAfter) : 5;
        setAuto('wait', seconds);
        timer = setTimeout(() => load(), seconds * 1000);
      } else setAuto('off');
      return;
    }
    const moving = visibleTasks().some(inMotion) || busy.size > 0;
    if (!moving) return setAuto('off');
    const slow = unchanged >= SLOW_AFTER;
    setAuto(slow ? 'slow' : 'on');
    timer = setTimeout(() => { if (!document.hidden) load(); else schedule(); }, slow ? SLOW_POLL_MS : POLL_MS);
  }
  function kick() {
    unchanged = 0;
  }
  async function load() {
    if (!session) return;
    const seq = ++loadSeq;
    clearTimeout(timer);
    if (!loaded) showEmpty(t('loading'));
    try {
      const { data } = await api('POST', jobsPath(), queryBody());
      if (seq !== loadSeq || !session) return;
      jobs = data.jobs || [];
      total = data.total_record || 0;
      loaded = true;
      const pages = Math.max(1, Math.ceil(total / view.size));
      if (jobs.length === 0 && total > 0 && view.page > pages) return navigate({ page: pages }, true);
      await loadProgress(seq);
      if (seq !== loadSeq || !session) return;
      const print = JSON.stringify(visibleTasks().map((j) => [j.id, j.status, j.job_action && j.job_action.current_action, j.job_direction,
        progress.has(j.id) ? progress.get(j.id).progress : ''])) + total;
      unchanged = print === fingerprint ? unchanged + 1 : 0;
      fingerprint = print;
      if ($('banner').dataset.kind === 'list') clearBanner();
      render();
      if (view.detail && !$('detail').hidden) refreshDetail();
      schedule();
    } catch (error) {
      if (seq !== loadSeq || !session) return;
      if (error.status !== 401) {
        showBanner(describe(error), 'list');
        if (!loaded || error.status === 400) {
          jobs = [];
          total = 0;
          render();
          showEmpty(t('loadFailed'));
        }
      }
      schedule(error);
    }
  }
  // batch-progress for every visible task in full transfer, ten per request.
  async function loadProgress(seq) {
    const ids = visibleTasks().filter((j) => j.status === 'FULL_TRANSFER_STARTED' || j.status === 'FULL_TRANSFER_FAILED').map((j) => j.id);
    for (let i = 0; i < ids.length; i += 10) {
      try {
        const { data } = await api('POST', jobsPath('batch-progress'), { jobs: ids.slice(i, i + 10) });
        if (seq !== loadSeq) return;
        for (const item of data.results || []) if (!item.error_code) progress.set(item.job_id, item);
      } catch (error) {
        if (error.status === 401) throw error;
        return; // the list itself is still worth showing
      }
    }
  }

  // ---------------------------------------------------------------- rendering the list
  function showEmpty(text) {
    $('list-empty').textContent = text;
    $('list-empty').hidden = !text;
  }
  function badge(job) {
    const tone = TONE[job.status] || 'idle';
    return el('span', { class: 'badge b-' + tone, 'data-testid': 'status', 'data-status': job.status, title: job.status },
      el('span', { class: 'dot', 'aria-hidden': 'true' }), statusText(job.status));
  }
  function progressBar(job) {
    const item = progress.get(job.id);
    if (!item || (job.status !== 'FULL_TRANSFER_STARTED' && job.status !== 'FULL_TRANSFER_FAILED')) return null;
    const value = Number(item.progress) || 0;
    const bar = el('span', { class: 'bar-fill' });
    bar.style.width = value + '%';
    return el('span', { class: 'progress', 'data-testid': 'progress', 'data-value': String(value) },
      el('span', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(value),
        'aria-label': t('d.progress') }, bar),
      el('span', { class: 'bar-text', text: value + '%' }));
  }
  // The operations a task offers: exactly those its job_action makes available (pre-check only where start needs it).
  function operationsFor(job) {
    const available = new Set((job.job_action && job.job_action.available_actions) || []);
    const ops = [];
    if (available.has('START')) ops.push('start');
    if (available.has('START') && available.has('PRE_CHECK') && (job.status === 'CONFIGURATION' || job.status === 'CREATE_FAILED')) ops.push('precheck');
    if (available.has('PAUSE')) ops.push('pause');
    if (available.has('RETRY')) ops.push(job.status === 'PAUSING' ? 'resume' : 'retry');
    if (available.has('SWITCH_OVER')) ops.push('switchover');
    if (available.has('FREE_RESOURCE')) ops.push('end');
    if (available.has('DELETE')) ops.push('delete');
    return ops;
  }
  function actionCell(job) {
    const buttons = operationsFor(job).map((op) => el('button', {
      type: 'button', class: 'btn btn-small' + (op === 'end' || op === 'delete' ? ' btn-danger-quiet' : ''),
      'data-testid': 'action-' + op, 'data-focus': job.id + ':' + op, disabled: busy.has(job.id),
      'aria-label': t('act.' + op) + ' — ' + job.name, text: t('act.' + op), on: { click: () => runOperation(job, op) },
    }));
    const cell = el('td', { class: 'col-actions', 'data-label': t('col.actions') }, el('div', { class: 'actions' }, buttons));
    const result = results.get(job.id);
    if (busy.has(job.id)) cell.append(el('p', { class: 'result', 'data-testid': 'result', 'data-state': 'busy', text: t('working') }));
    else if (result) cell.append(el('p', { class: 'result ' + (result.ok ? 'result-ok' : 'result-fail'), 'data-testid': 'result', 'data-state': result.ok ? 'ok' : 'failed', role: 'status', text: result.text }));
    return cell;
  }
  function row(job, parent) {
    const children = job.children || [];
    const open = expanded.has(job.id);
    const expander = children.length ? el('button', {
      type: 'button', class: 'btn btn-icon', 'data-testid': 'expand', 'data-focus': job.id + ':expand', 'aria-expanded': String(open),
      'aria-controls': children.map((c) => 'row-' + c.id).join(' '), 'aria-label': open ? t('collapse') : t('expand', children.length),
      title: open ? t('collapse') : t('expand', children.length), on: { click: () => toggle(job.id) },
    }, el('span', { class: 'chevron' + (open ? ' open' : ''), 'aria-hidden': 'true' }), el('span', { class: 'count', text: String(children.length) })) : null;
    const current = job.job_action && job.job_action.current_action;
    const statusCell = el('td', { class: 'col-status', 'data-label': t('col.status') }, badge(job),
      current ? el('span', { class: 'badge b-run badge-op', 'data-testid': 'current-action', 'data-action': current, text: t('cur.' + current) }) : null,
      progressBar(job),
      job.error_msg ? el('span', { class: 'error-msg', 'data-testid': 'error-msg', title: job.error_msg, text: job.error_msg }) : null);
    const nameCell = el('td', { class: 'col-name', 'data-label': t('col.name') },
      parent ? el('span', { class: 'sub-mark', text: t('subtask') }) : null,
      el('button', { type: 'button', class: 'link', 'data-testid': 'open-detail', 'data-focus': job.id + ':detail', text: job.name, on: { click: () => openDetail(job.id, true) } }),
      el('span', { class: 'id', 'data-testid': 'job-id', text: job.id }));
    return el('tr', {
      id: 'row-' + job.id, class: parent ? 'child' : 'parent', 'data-testid': parent ? 'child-row' : 'job-row', 'data-id': job.id,
      'data-parent': parent ? parent.id : null, 'data-status': job.status, hidden: parent && !expanded.has(parent.id),
    },
    el('td', { class: 'col-expand' }, expander), nameCell, statusCell,
    el('td', { 'data-label': t('col.engine'), class: 'nowrap', text: job.engine_type }),
    el('td', { 'data-label': t('col.net'), class: 'nowrap', text: t('net.' + job.net_type) }),
    el('td', { 'data-label': t('col.direction'), class: 'nowrap', 'data-testid': 'direction', 'data-direction': job.job_direction, text: t('dir.' + job.job_direction) }),
    el('td', { 'data-label': t('col.created'), class: 'nowrap', text: job.create_time }),
    actionCell(job));
  }
  // The rows are rebuilt only when something they show changed, and keep the keyboard focus when they are.
  let renderedKey = '';
  function focusKey() {
    const active = document.activeElement;
    return active && active.dataset ? active.dataset.focus || null : null;
  }
  function refocus(key) {
    if (!key) return;
    const again = document.querySelector('[data-focus="' + CSS.escape(key) + '"]');
    if (again && again !== document.activeElement) again.focus();
  }
  function render() {
    const key = JSON.stringify([lang, jobs, [...results], [...busy], [...expanded],
      visibleTasks().map((j) => (progress.has(j.id) ? progress.get(j.id).progress : ''))]);
    if (key !== renderedKey) {
      renderedKey = key;
      const focused = focusKey();
      const rows = [];
      for (const job of jobs) {
        rows.push(row(job, null));
        for (const child of job.children || []) rows.push(row(child, job));
      }
      $('jobs-body').replaceChildren(...rows);
      refocus(focused);
    }
    const pages = Math.max(1, Math.ceil(total / view.size));
    $('total').textContent = t('total', total);
    $('total').dataset.total = String(total);
    $('jobs-caption').textContent = t('caption', t('tab.' + view.tab), total);
    $('page-count').textContent = t('pageOf', view.page, pages);
    $('page-count').dataset.pages = String(pages);
    $('page-number').max = String(pages);
    $('page-number').value = String(view.page);
    $('page-prev').disabled = view.page <= 1;
    $('page-next').disabled = view.page >= pages;
    showEmpty(loaded && jobs.length === 0 ? (total > 0 ? t('emptyPage') : t('empty')) : '');
    document.body.dataset.listFor = hashOf(view); // the view this list answers (tests wait for it)
  }
  function toggle(id) {
    if (expanded.has(id)) expanded.delete(id);
    else expanded.add(id);
    render();
  }
  function findTask(id) {
    return visibleTasks().find((job) => job.id === id) || null;
  }

  // ---------------------------------------------------------------- operations
  const CONFIRM = { end: 'end', delete: 'delete', switchover: 'switchover', forceEnd: 'forceEnd' };
  let confirmResolve = null;
  function confirmDialog(op, name) {
    const dialog = $('confirm-dialog');
    $('confirm-title').textContent = t('confirm.' + op);
    $('confirm-message').textContent = t('confirm.' + op + 'Text', name);
    $('confirm-ok').textContent = t('act.' + op);
    $('confirm-ok').className = 'btn ' + (op === 'switchover' ? 'btn-primary' : 'btn-danger');
    $('confirm-pause-row').hidden = op !== 'switchover';
    $('confirm-pause').checked = false;
    dialog.dataset.op = op;
    const returnFocus = focusKey();
    return new Promise((resolve) => {
      confirmResolve = (answer) => {
        confirmResolve = null;
        if (dialog.open) dialog.close();
        refocus(returnFocus);
        resolve(answer);
      };
      dialog.showModal();
      $('confirm-cancel').focus();
    });
  }
  function request(op, id, extra) {
    switch (op) {
      case 'start': return batch('POST', 'batch-starting', { jobs: [{ job_id: id }] });
      case 'pause': return batch('POST', 'batch-pause-task', { jobs: [{ job_id: id, pause_mode: 'all' }] });
      case 'resume': case 'retry': return batch('POST', 'batch-retry-task', { jobs: [{ job_id: id }] });
      case 'switchover': return batch('POST', 'batch-switchover', { jobs: [id], is_pause_job: Boolean(extra && extra.pauseJob) });
      case 'end': return batch('DELETE', 'batch-jobs', { jobs: [{ job_id: id, delete_type: 'terminate' }] });
      case 'forceEnd': return batch('DELETE', 'batch-jobs', { jobs: [{ job_id: id, delete_type: 'force_terminate' }] });
      case 'delete': return batch('DELETE', 'batch-jobs', { jobs: [{ job_id: id, delete_type: 'delete' }] });
      default: throw new Error('unknown operation ' + op);
    }
  }
  // Runs a pre-check and waits for its result; returns {ok, text}.
  async function precheck(id, onProgress) {
    const started = await batch('POST', 'batch-precheck', { jobs: [{ job_id: id, precheck_mode: 'forStartJob' }] });
    if (!started.ok) return { ok: false, text: started.code + ': ' + started.message };
    const deadline = Date.now() + 120000;
    while (Date.now() < deadline) {
      const answer = await batch('POST', 'batch-precheck-result', { jobs: [id] });
      const item = answer.item;
      if (item.error_code) return { ok: false, text: item.error_code + ': ' + answer.message };
      if (item.process === '100%') {
        if (item.result) return { ok: true, text: t('ok.precheck', item.total_passed_rate) };
        const reasons = (item.precheck_result || []).filter((r) => r.result !== 'PASSED').map((r) => r.item + ' ' + r.result + (r.failed_reason ? ': ' + r.failed_reason : ''));
        return { ok: false, text: t('fail.precheck', item.total_passed_rate) + (reasons.length ? ' ' + reasons.join('; ') : '') };
      }
      if (onProgress) onProgress(item.process);
      await sleep(400);
    }
    return { ok: false, text: t('step.timeout') };
  }
  async function runOperation(job, op) {
    if (busy.has(job.id)) return;
    let extra = null;
    if (CONFIRM[op]) {
      extra = await confirmDialog(op, job.name);
      if (!extra) return;
    }
    busy.add(job.id);
    results.delete(job.id);
    render();
    let outcome;
    try {
      if (op === 'precheck') {
        outcome = await precheck(job.id, (p) => { results.set(job.id, { ok: true, text: t('run.precheck', p) }); });
      } else {
        const answer = await request(op, job.id, extra);
        outcome = answer.ok ? { ok: true, text: t('ok.' + op) } : { ok: false, text: answer.code + ': ' + answer.message };
      }
    } catch (error) {
      if (error.status === 401) return;
      outcome = { ok: false, text: describe(error) };
    } finally {
      busy.delete(job.id);
    }
    results.set(job.id, outcome);
    showResultInDetail(job.id, outcome);
    kick();
    await load();
  }

  // ---------------------------------------------------------------- detail panel (batch-detail, batch-progress)
  let detailSeq = 0;
  function openDetail(id, push) {
    detailKey = '';
    $('detail').hidden = false;
    $('detail').dataset.id = id;
    $('detail-title').textContent = t('d.title');
    $('detail-result').hidden = true;
    $('detail-body').replaceChildren(el('p', { class: 'muted', text: t('d.loading') }));
    $('detail-actions').replaceChildren();
    if (push && view.detail !== id) navigate({ detail: id });
    else refreshDetail();
    $('detail-title').focus();
  }
  function closeDetail(push) {
    $('detail').hidden = true;
    $('detail').dataset.id = '';
    if (push && view.detail) navigate({ detail: '' });
    const back = view.detail && $('jobs-body').querySelector('[data-focus="' + CSS.escape(view.detail + ':detail') + '"]');
    if (back) back.focus();
  }
  function showResultInDetail(id, outcome) {
    if ($('detail').hidden || $('detail').dataset.id !== id) return;
    $('detail-result').textContent = outcome.text;
    $('detail-result').className = 'result ' + (outcome.ok ? 'result-ok' : 'result-fail');
    $('detail-result').dataset.state = outcome.ok ? 'ok' : 'failed';
    $('detail-result').hidden = false;
  }
  async function refreshDetail() {
    const id = $('detail').dataset.id;
    if (!id || $('detail').hidden) return;
    const seq = ++detailSeq;
    try {
      const detail = await api('POST', jobsPath('batch-detail'), { jobs: [id] });
      const item = (detail.data.results || [])[0] || {};
      let prog = null;
      if (!item.error_code) {
        const answer = await api('POST', jobsPath('batch-progress'), { jobs: [id] });
        prog = (answer.data.results || [])[0] || null;
      }
      if (seq !== detailSeq || $('detail').dataset.id !== id) return;
      renderDetail(item, prog);
    } catch (error) {
      if (error.status === 401 || seq !== detailSeq) return;
      $('detail-body').replaceChildren(el('p', { class: 'error-text', 'data-testid': 'detail-error', text: describe(error) }));
    }
  }
  function endpointText(endpoint) {
    if (!endpoint || !Object.keys(endpoint).length) return t('none');
    const parts = [];
    if (endpoint.db_type) parts.push(endpoint.db_type);
    if (endpoint.ip) parts.push(endpoint.ip + (endpoint.db_port ? ':' + endpoint.db_port : ''));
    if (endpoint.db_user) parts.push(endpoint.db_user);
    if (endpoint.inst_id) parts.push(endpoint.inst_id);
    if (endpoint.region) parts.push(endpoint.region);
    return parts.join(' · ') || t('none');
  }
  let detailKey = '';
  function renderDetail(item, prog) {
    const key = JSON.stringify([lang, item, prog, findTask(item.id), [...busy], results.get(item.id)]);
    if (key === detailKey) return;
    detailKey = key;
    if (item.error_code) {
      $('detail-body').replaceChildren(el('p', { class: 'error-text', 'data-testid': 'detail-error', text: item.error_code + ': ' + (item.error_message || item.error_msg || '') }));
      return;
    }
    $('detail-title').textContent = item.name;
    const rows = [];
    const add = (key, value, testid) => rows.push(el('dt', { text: t(key) }), el('dd', { 'data-testid': testid || null }, value === '' || value === undefined || value === null ? t('none') : value));
    add('d.id', item.id, 'detail-id');
    if (item.parent_id) add('d.parent', item.parent_id);
    add('d.status', badge(item), 'detail-status');
    if (prog && !prog.error_code) {
      const value = Number(prog.progress) || 0;
      const fill = el('span', { class: 'bar-fill' });
      fill.style.width = value + '%';
      const extra = [];
      if (prog.transfer_status === 'FULL_TRANSFER_STARTED') extra.push(t('d.remaining', prog.remaining_time));
      if (prog.progress_map) extra.push(['struct', 'data', 'index'].map((k) => k + ' ' + prog.progress_map[k].completed).join(' · '));
      if (prog.incre_trans_delay !== '-1') extra.push(t('d.delay') + ' ' + prog.incre_trans_delay + ' s');
      add('d.progress', el('span', { class: 'progress progress-wide', 'data-testid': 'detail-progress', 'data-value': String(value) },
        el('span', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(value), 'aria-label': t('d.progress') }, fill),
        el('span', { class: 'bar-text', text: value + '%' + (extra.length ? ' · ' + extra.join(' · ') : '') })));
    }
    if (item.failed_reason) add('d.failed', el('span', { class: 'error-text', text: item.failed_reason }), 'detail-failed');
    add('d.description', item.description);
    add('d.scenario', t('scn.' + item.db_use_type));
    add('d.taskType', t('tt.' + item.task_type) + ' (' + item.task_type + ')');
    add('d.direction', t('dir.' + item.job_direction), 'detail-direction');
    add('d.net', t('net.' + item.net_type));
    add('d.source', endpointText(item.source_endpoint), 'detail-source');
    add('d.target', endpointText(item.target_endpoint), 'detail-target');
    if (item.inst_info) {
      const info = item.inst_info;
      add('d.instance', [info.engine_type, info.inst_type, info.ip, info.public_ip, info.status, info.volume_size + ' GB'].filter(Boolean).join(' · '));
    }
    add('d.nodes', String(item.node_num));
    add('d.subnet', item.subnet_id);
    if (item.master_az || item.slave_az) add('d.az', [item.master_az, item.slave_az].filter(Boolean).join(' / '));
    add('d.readonly', item.is_target_readonly ? t('yes') : t('no'));
    if (item.db_use_type === 'cloudDataGuard') add('d.multiWrite', item.multi_write ? t('yes') : t('no'));
    add('d.tags', (item.tags || []).map((tag) => tag.key + '=' + tag.value).join(', '));
    add('d.created', epoch(item.create_time));
    add('d.started', epoch(item.actual_start_time));
    add('d.fullDone', epoch(item.full_transfer_complete_time));
    add('d.updated', epoch(item.update_time));
    $('detail-body').replaceChildren(el('dl', { class: 'facts' }, rows));
    // Operations: the row's, and force end (no action of its own: allowed unless ended or deleted).
    const job = findTask(item.id) || { id: item.id, name: item.name, status: item.status, job_action: null };
    const ops = job.job_action ? operationsFor(job) : [];
    if (job.job_action && job.job_action.available_actions.includes('PRE_CHECK') && !ops.includes('precheck')) ops.push('precheck');
    if (item.status !== 'DELETED' && item.status !== 'RELEASE_RESOURCE_COMPLETE') ops.push('forceEnd');
    const focused = focusKey();
    $('detail-actions').replaceChildren(...ops.map((op) => el('button', {
      type: 'button', class: 'btn btn-small' + (op === 'end' || op === 'delete' || op === 'forceEnd' ? ' btn-danger-quiet' : ''),
      'data-testid': 'detail-action-' + op, 'data-focus': 'detail:' + op, disabled: busy.has(item.id), text: t('act.' + op),
      on: { click: () => runOperation(findTask(item.id) || job, op) },
    })));
    if (focused && focused.startsWith('detail:')) refocus(focused);
    if (results.has(item.id) && $('detail-result').hidden) showResultInDetail(item.id, results.get(item.id));
  }

  // ---------------------------------------------------------------- create form
  // Fills the create form's lists in the current language, keeping what is chosen where it is still allowed.
  function fillCreateOptions() {
    const scenario = $('c-scenario').value || view.tab;
    const node = $('c-node-type').value || 'high';
    options($('c-scenario'), TABS, (v) => t('scn.' + v));
    $('c-scenario').value = scenario;
    const dr = $('c-scenario').value === 'cloudDataGuard';
    options($('c-engine'), ENGINES.filter((e) => e.startsWith('cloudDataGuard') === dr), null, true);
    options($('c-direction'), dr ? ['up', 'down'] : ['up', 'down', 'non-dbs'], (v) => t('dir.' + v) + ' (' + v + ')', true);
    options($('c-net'), dr ? ['eip', 'vpn'] : NET_TYPES, (v) => t('net.' + v), true);
    options($('c-task-type'), dr ? ['FULL_INCR_TRANS'] : TASK_TYPES, (v) => t('tt.' + v), true);
    options($('c-node-type'), NODE_TYPES);
    $('c-node-type').value = node;
    for (const side of ['src', 'dst']) options($('c-' + side + '-dbtype'), DB_TYPES.concat(['']), (v) => v || t('c.other'), true);
  }
  function engineChanged() {
    const sides = ENGINE_SIDES[$('c-engine').value] || ['', ''];
    ['src', 'dst'].forEach((side, index) => {
      $('c-' + side + '-dbtype').value = sides[index];
      dbTypeChanged(side);
    });
  }
  function dbTypeChanged(side) {
    const port = DEFAULT_PORTS[$('c-' + side + '-dbtype').value];
    $('c-' + side + '-port').placeholder = port ? String(port) : '';
  }
  function updateCreateSubmitLabel() {
    $('c-submit').textContent = $('c-autostart').checked ? t('c.submit') : t('c.submitNoStart');
  }
  function openCreate() {
    $('c-scenario').value = view.tab;
    fillCreateOptions();
    engineChanged();
    $('c-error').hidden = true;
    $('create-dialog').showModal();
    $('c-name').focus();
  }
  function endpointFromForm(side) {
    const value = (name) => $('c-' + side + '-' + name).value.trim();
    const endpoint = {};
    if (value('dbtype')) endpoint.db_type = value('dbtype');
    endpoint.ip = value('ip');
    const port = value('port') || String(DEFAULT_PORTS[value('dbtype')] || '');
    if (port) endpoint.db_port = Number(port);
    endpoint.db_user = value('user');
    endpoint.db_password = $('c-' + side + '-password').value;
    if (value('inst')) endpoint.inst_id = value('inst');
    if (value('region')) endpoint.region = value('region');
    return endpoint;
  }
  let stepList = null;
  function step(key) {
    const item = el('li', { 'data-testid': 'step-' + key, 'data-state': 'running' },
      el('span', { class: 'step-mark', 'aria-hidden': 'true' }), el('span', { class: 'step-name', text: t('step.' + key) }),
      el('span', { class: 'step-text', text: t('working') }));
    stepList.append(item);
    item.scrollIntoView({ block: 'nearest' });
    return {
      node: item,
      update(text) { item.querySelector('.step-text').textContent = text; },
      done(ok, text, extra) {
        item.dataset.state = ok ? 'ok' : 'failed';
        item.querySelector('.step-text').textContent = text;
        if (extra) item.append(extra);
        $('create-dialog').querySelector('.dialog-buttons').scrollIntoView({ block: 'nearest' });
      },
    };
  }
  async function waitForStatus(id, wanted, onStatus, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const answer = await batch('POST', 'batch-status', { jobs: [id] });
      if (answer.item.error_code) return { status: null, text: answer.code + ': ' + answer.message };
      const status = answer.item.status;
      if (onStatus) await onStatus(status);
      if (wanted(status)) return { status };
      await sleep(400);
    }
    return { status: null, text: t('step.timeout') };
  }
  let creating = false;
  async function submitCreate(event) {
    event.preventDefault();
    if (creating) return;
    const required = ['c-name', 'c-subnet', 'c-src-ip', 'c-src-user', 'c-src-password', 'c-dst-ip', 'c-dst-user', 'c-dst-password'];
    const missing = required.filter((id) => !$(id).value.trim());
    required.forEach((id) => $(id).setAttribute('aria-invalid', String(missing.includes(id))));
    if (missing.length) {
      $('c-error').textContent = t('c.required', missing.map((id) => document.querySelector('label[for="' + id + '"]').textContent +
        (id.startsWith('c-src') ? ' (' + t('c.source') + ')' : id.startsWith('c-dst') ? ' (' + t('c.target') + ')' : '')).join(', '));
      $('c-error').hidden = false;
      $(missing[0]).focus();
      return;
    }
    $('c-error').hidden = true;
    creating = true;
    $('c-submit').disabled = true;
    stepList = $('c-steps');
    stepList.replaceChildren();
    stepList.hidden = false;
    try {
      await createFlow();
    } catch (error) {
      if (error.status === 401) return;
      const running = stepList.querySelector('[data-state="running"]');
      if (running) {
        running.dataset.state = 'failed';
        running.querySelector('.step-text').textContent = describe(error);
      } else {
        $('c-error').textContent = describe(error);
        $('c-error').hidden = false;
      }
    } finally {
      creating = false;
      $('c-submit').disabled = false;
      kick();
      load();
    }
  }
  async function createFlow() {
    const scenario = $('c-scenario').value;
    const net = $('c-net').value;
    const source = endpointFromForm('src');
    const target = endpointFromForm('dst');
    const job = {
      name: $('c-name').value.trim(), db_use_type: scenario, engine_type: $('c-engine').value, job_direction: $('c-direction').value,
      net_type: net, task_type: $('c-task-type').value, node_type: $('c-node-type').value, customize_sutnet_id: $('c-subnet').value.trim(),
      source_endpoint: source, target_endpoint: target,
    };
    if (net === 'eip') job.bind_eip = true;
    // 1. batch-creation
    let current = step('create');
    const created = await batch('POST', 'batch-creation', { jobs: [job] });
    if (!created.ok) return current.done(false, created.code + ': ' + created.message);
    const id = created.item.id;
    current.done(true, t('step.created', id));
    current.node.dataset.jobId = id;
    stepList.dataset.jobId = id;
    kick();
    load();
    // 2. CREATING -> CONFIGURATION (batch-status)
    current = step('configure');
    let reached = await waitForStatus(id, (s) => s !== 'CREATING', null, 120000);
    if (reached.status !== 'CONFIGURATION') return current.done(false, reached.text || statusText(reached.status) + ' (' + reached.status + ')');
    current.done(true, statusText('CONFIGURATION'));
    // 3. batch-connection, both sides in one request (a side without a database type the API knows is skipped)
    current = step('connection');
    const sides = [['so', source, 'src'], ['ta', target, 'dst']];
    const tested = sides.filter(([, endpoint]) => endpoint.db_type);
    const skipped = sides.filter(([, endpoint]) => !endpoint.db_type).map(([side]) => (side === 'so' ? t('c.source') : t('c.target')));
    if (tested.length) {
      const items = tested.map(([side, endpoint]) => {
        const item = { id, end_point_type: side, net_type: net, db_type: endpoint.db_type, ip: endpoint.ip, db_user: endpoint.db_user, db_password: endpoint.db_password };
        if (endpoint.db_port !== undefined) item.db_port = endpoint.db_port;
        if (endpoint.inst_id) item.inst_id = endpoint.inst_id;
        if (endpoint.region) item.region = endpoint.region;
        return item;
      });
      const { data } = await api('POST', jobsPath('batch-connection'), { jobs: items });
      const failures = (data.results || []).map((r, i) => [r, items[i]]).filter(([r]) => !r.success);
      if (failures.length) {
        return current.done(false, failures.map(([r, item]) => (item && item.end_point_type === 'ta' ? t('c.target') : t('c.source')) +
          ': ' + r.error_code + ': ' + r.error_msg).join('; '));
      }
    }
    current.done(true, t('step.connOk', skipped.length ? t('step.connSkipped', skipped.join(', ')) : ''));
    // 4. batch-precheck, then batch-precheck-result until 100 %
    current = step('precheck');
    const checked = await precheck(id, (p) => current.update(t('run.precheck', p)));
    current.done(checked.ok, checked.text);
    if (!checked.ok) return;
    // 5. batch-starting
    current = step('start');
    if (!$('c-autostart').checked) return current.done(true, t('step.skipped'));
    const started = await batch('POST', 'batch-starting', { jobs: [{ job_id: id }] });
    if (!started.ok) return current.done(false, started.code + ': ' + started.message);
    current.done(true, t('step.started'));
    kick();
    load();
    // 6. watch it replicate: until incremental (or full complete for a full-only task), or a failure
    current = step('watch');
    const steady = (s) => s === 'INCRE_TRANSFER_STARTED' || /FAILED$/.test(s) || (s === 'FULL_TRANSFER_COMPLETE' && job.task_type === 'FULL_TRANS');
    reached = await waitForStatus(id, steady, async (status) => {
      let text = statusText(status);
      if (status === 'FULL_TRANSFER_STARTED') {
        const answer = await batch('POST', 'batch-progress', { jobs: [id] });
        if (answer.ok) text += ' ' + answer.item.progress + '%';
      }
      current.update(text);
      current.node.dataset.status = status;
    }, 600000);
    const ok = reached.status && !/FAILED$/.test(reached.status);
    const open = el('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'step-open', text: t('step.openTask'),
      on: { click: () => { $('create-dialog').close(); navigate({ tab: scenario, q: id, page: 1, detail: id }); } } });
    current.node.dataset.status = reached.status || '';
    current.done(Boolean(ok), reached.status ? statusText(reached.status) + ' (' + reached.status + ')' : reached.text, open);
  }

  // ---------------------------------------------------------------- wiring
  function closeDialogs() {
    if (confirmResolve) confirmResolve(null);
    if ($('create-dialog').open) $('create-dialog').close();
  }
  function wire() {
    $('lang').addEventListener('change', () => {
      lang = $('lang').value === 'zh-cn' ? 'zh-cn' : 'en-us';
      localStorage.setItem('drs.lang', lang);
      applyLanguage();
      if (session && loaded) {
        render();
        load();
        if (!$('detail').hidden) refreshDetail();
      }
    });
    $('banner-close').addEventListener('click', clearBanner);
    $('skip').addEventListener('click', (event) => { event.preventDefault(); $('jobs-table').focus(); });
    $('signin-token-form').addEventListener('submit', signinWithToken);
    $('signin-password-form').addEventListener('submit', signinWithPassword);
    $('sign-out').addEventListener('click', signOut);
    document.querySelectorAll('[role="tab"]').forEach((tab) => {
      tab.addEventListener('click', () => navigate({ tab: tab.dataset.tab, page: 1, engine: '' }));
      tab.addEventListener('keydown', (event) => {
        const index = TABS.indexOf(tab.dataset.tab);
        let next = null;
        if (event.key === 'ArrowRight') next = TABS[(index + 1) % TABS.length];
        else if (event.key === 'ArrowLeft') next = TABS[(index + TABS.length - 1) % TABS.length];
        else if (event.key === 'Home') next = TABS[0];
        else if (event.key === 'End') next = TABS[TABS.length - 1];
        if (!next) return;
        event.preventDefault();
        $('tab-' + next).focus();
        navigate({ tab: next, page: 1, engine: '' });
      });
    });
    $('filters').addEventListener('submit', (event) => {
      event.preventDefault();
      kick();
      navigate(filtersFromForm());
    });
    ['f-engine', 'f-status', 'f-net'].forEach((id) => $(id).addEventListener('change', () => navigate(filtersFromForm())));
    $('f-reset').addEventListener('click', () => navigate({ q: '', engine: '', status: '', net: '', eps: '', tag: '', ip: '', page: 1 }));
    $('refresh').addEventListener('click', () => { kick(); load(); if (!$('detail').hidden) refreshDetail(); });
    $('page-size').addEventListener('change', () => navigate({ size: Number($('page-size').value), page: 1 }));
    $('page-prev').addEventListener('click', () => navigate({ page: Math.max(1, view.page - 1) }));
    $('page-next').addEventListener('click', () => navigate({ page: view.page + 1 }));
    $('page-number').addEventListener('change', () => {
      const page = parseInt($('page-number').value, 10);
      if (page >= 1) navigate({ page });
    });
    $('page-number').addEventListener('keydown', (event) => {
      const page = parseInt($('page-number').value, 10);
      if (event.key === 'Enter') {
        event.preventDefault();
        if (page >= 1) navigate({ page });
      }
    });
    $('detail-close').addEventListener('click', () => closeDetail(true));
    $('detail').addEventListener('keydown', (event) => { if (event.key === 'Escape') closeDetail(true); });
    $('confirm-ok').addEventListener('click', () => confirmResolve && confirmResolve({ pauseJob: $('confirm-pause').checked }));
    $('confirm-cancel').addEventListener('click', () => confirmResolve && confirmResolve(null));
    $('confirm-dialog').addEventListener('cancel', (event) => { event.preventDefault(); if (confirmResolve) confirmResolve(null); });
    $('new-task').addEventListener('click', openCreate);
    $('create-form').addEventListener('submit', submitCreate);
    $('create-close').addEventListener('click', () => $('create-dialog').close());
    $('create-cancel').addEventListener('click', () => $('create-dialog').close());
    // Passwords do not outlive the form.
    $('create-dialog').addEventListener('close', () => { $('c-src-password').value = ''; $('c-dst-password').value = ''; });
    $('c-scenario').addEventListener('change', () => { fillCreateOptions(); engineChanged(); });
    $('c-engine').addEventListener('change', engineChanged);
    $('c-src-dbtype').addEventListener('change', () => dbTypeChanged('src'));
    $('c-dst-dbtype').addEventListener('change', () => dbTypeChanged('dst'));
    $('c-autostart').addEventListener('change', updateCreateSubmitLabel);
    window.addEventListener('hashchange', onHashChange);
    document.addEventListener('visibilitychange', () => { if (!document.hidden && session && timer === null && loaded) load(); });
  }
  function start() {
    const stored = localStorage.getItem('drs.lang');
    lang = stored === 'zh-cn' || stored === 'en-us' ? stored : (/^zh/i.test(navigator.language || '') ? 'zh-cn' : 'en-us');
    wire();
    applyLanguage();
    session = loadSession();
    if (session) {
      enterMain();
    } else {
      showSignin('');
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
