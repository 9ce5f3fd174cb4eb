# Slurm accounting of the fixture: MariaDB (socket only) and one slurmdbd (127.0.0.1:6819)
# shared by the clusters in ACCT_CLUSTERS. Sourced by lib.sh; does nothing by itself.
#
# Layout of $FIXTURE_DIR/accounting/ (the database outlives stop/start: history is history;
# after a clean start a cluster's job ids continue after its last one here: start.sh, FirstJobId):
#   mysql/          MariaDB's datadir (owner mysql, 700), with mysqld.sock, mysqld.pid, mysqld.err
#   slurmdbd.conf   600 (slurmdbd refuses any other mode)   slurmdbd.pid, slurmdbd.log
#   registered      what sacctmgr was given (clusters, accounts, users), so a warm start skips it
# shellcheck shell=bash disable=SC2034  # the constants are used by the sourcing scripts

# clusters with accounting; the controller-only `scale` stays without (the "no accounting" case)
ACCT_CLUSTERS=(local remote)
ACCT_DIR=$FIXTURE_DIR/accounting
DB_DIR=$ACCT_DIR/mysql
DB_SOCKET=$DB_DIR/mysqld.sock
DBD_PORT=6819
# accounts and who is in them (the first account of a user is their default)
ACCT_ACCOUNTS=(research teaching)
ACCT_USERS=(root:research hpcuser:research,teaching alice:research bob:teaching)
# a QOS beside Slurm's `normal`, offered to hpcuser
ACCT_QOS=long
# bump when the lines above change, so a warm start registers again
ACCT_REGISTRATION="v1 ${ACCT_CLUSTERS[*]} ${ACCT_ACCOUNTS[*]} ${ACCT_USERS[*]} $ACCT_QOS"

has_accounting() {
    local c
    for c in "${ACCT_CLUSTERS[@]}"; do [ "$c" = "$1" ] && return 0; done
    return 1
}

# acct_conf_expr C: the sed expression of slurm.conf.tmpl's accounting lines for cluster C
acct_conf_expr() {
    if has_accounting "$1"; then
        echo "s|@ACCT_STORAGE@|accounting_storage/slurmdbd|g; s|@ACCT_GATHER@|jobacct_gather/linux|g"
    else
        echo "s|@ACCT_STORAGE@|accounting_storage/none|g; s|@ACCT_GATHER@|jobacct_gather/none|g"
    fi
}

# acct_max_job_id C: the highest job id the accounting database holds for cluster C (0: none yet)
acct_max_job_id() {
    local n
    n=$(mariadb --no-defaults --socket="$DB_SOCKET" -u root -N -B \
        -e "SELECT COALESCE(MAX(id_job), 0) FROM slurm_acct_db.\`${1}_job_table\`" 2>/dev/null) || n=0
    [[ "$n" =~ ^[0-9]+$ ]] || n=0
    echo "$n"
}

# ------------------------------------------------------------------ mariadb

mariadb_pid() { pid_of "$DB_DIR/mysqld.pid" mariadbd "$DB_DIR"; }
mariadb_up() { mariadb-admin --no-defaults --socket="$DB_SOCKET" -u root ping >/dev/null 2>&1; }

start_mariadb() {
    local pid
    if pid=$(mariadb_pid); then
        log "mariadb already running (pid $pid)"
        return 0
    fi
    install -d -m 755 "$ACCT_DIR"
    if [ ! -d "$DB_DIR/mysql" ]; then
        log "creating the accounting database in $DB_DIR"
        rm -rf "${DB_DIR:?}" "$ACCT_DIR/registered"
        install -d -m 700 -o mysql -g mysql "$DB_DIR"
        # root logs in by its Unix identity over the socket (unix_socket): no password anywhere
        mariadb-install-db --no-defaults --datadir="$DB_DIR" --user=mysql --skip-test-db \
            --auth-root-authentication-method=socket >"$ACCT_DIR/install-db.log" 2>&1 ||
            fail_with "mariadb-install-db failed" "$ACCT_DIR/install-db.log"
    fi
    rm -f "$DB_DIR/mysqld.pid"
    log "starting mariadb (socket $DB_SOCKET, no TCP)"
    # slurmdbd's recommended minimums; a test database: no flush at every commit, no binlog
    pid=$(spawn "$DB_DIR/mysqld.err" / /usr/sbin/mariadbd --no-defaults --user=mysql \
        --datadir="$DB_DIR" --socket="$DB_SOCKET" --pid-file="$DB_DIR/mysqld.pid" --skip-networking \
        --log-error="$DB_DIR/mysqld.err" --innodb-buffer-pool-size=128M --innodb-log-file-size=64M \
        --innodb-flush-log-at-trx-commit=0 --innodb-lock-wait-timeout=900 --skip-log-bin)
    wait_for "$TIMEOUT" mariadb "$pid" mariadb_up || fail_with "mariadb did not come up" "$DB_DIR/mysqld.err"
}

stop_mariadb() {
    local pid
    # SIGTERM: mariadbd shuts down cleanly (stop_pid waits up to 15 s)
    if pid=$(mariadb_pid); then stop_pid "$pid" mariadb; fi
}

# ------------------------------------------------------------------ slurmdbd

dbd_pid() { pid_of "$ACCT_DIR/slurmdbd.pid" slurmdbd; }
dbd_up() { ss -Hltn "sport = :$DBD_PORT" | grep -q . && [ -s "$ACCT_DIR/slurmdbd.pid" ]; }

start_slurmdbd() {
    local pid
    if pid=$(dbd_pid); then
        log "slurmdbd already running (pid $pid)"
        return 0
    fi
    ! port_in_use "$DBD_PORT" || die "port $DBD_PORT is used by something else"
    # slurmdbd reads slurmdbd.conf beside $SLURM_CONF (which need not exist); 600 and ours
    render "$FIXTURE_SRC/slurmdbd.conf.tmpl" "$ACCT_DIR/slurmdbd.conf" \
        "s|@ADDR@|$ADDR|g; s|@DBD_PORT@|$DBD_PORT|g; s|@DIR@|$ACCT_DIR|g"
    chmod 600 "$ACCT_DIR/slurmdbd.conf"
    rm -f "$ACCT_DIR/slurmdbd.pid"
    log "starting slurmdbd on $ADDR:$DBD_PORT"
    # MYSQL_UNIX_PORT: the MariaDB client library's socket when StorageHost is localhost
    pid=$(spawn "$ACCT_DIR/slurmdbd.out" "$ACCT_DIR" env SLURM_CONF="$ACCT_DIR/slurm.conf" \
        MYSQL_UNIX_PORT="$DB_SOCKET" slurmdbd -D)
    wait_for "$TIMEOUT" slurmdbd "$pid" dbd_up ||
        fail_with "slurmdbd did not start" "$ACCT_DIR/slurmdbd.out" "$ACCT_DIR/slurmdbd.log"
    if ! loopback_only "$DBD_PORT" || ! pid_loopback_only "$(dbd_pid)"; then
        die "slurmdbd is not bound to loopback only: $(ss -Hltn "sport = :$DBD_PORT")"
    fi
}

stop_slurmdbd() {
    local pid
    if pid=$(dbd_pid); then stop_pid "$pid" slurmdbd; fi
    rm -f "$ACCT_DIR/slurmdbd.pid"
}

# start_accounting: the database, slurmdbd, then clusters/accounts/users/QOS once per
# registration version (sacctmgr -i commits without asking; "already exists" is fine).
start_accounting() {
    start_mariadb
    start_slurmdbd
    [ "$(cat "$ACCT_DIR/registered" 2>/dev/null)" != "$ACCT_REGISTRATION" ] || return 0
    local conf c u name accounts
    # sacctmgr finds slurmdbd through a cluster's slurm.conf: render local's now
    prepare_cluster "${ACCT_CLUSTERS[0]}"
    conf=$(cluster_conf "${ACCT_CLUSTERS[0]}")
    acctmgr() { SLURM_CONF=$conf sacctmgr -i "$@" >>"$ACCT_DIR/sacctmgr.log" 2>&1 || true; }
    log "registering clusters, accounts, users and QOS with sacctmgr"
    acctmgr add cluster "${ACCT_CLUSTERS[@]}"
    acctmgr add qos "$ACCT_QOS" MaxWall=2-00:00:00
    for c in "${ACCT_ACCOUNTS[@]}"; do
        acctmgr add account "$c" Cluster="$(IFS=,; echo "${ACCT_CLUSTERS[*]}")" Description="$c" Organization=fixture
    done
    for u in "${ACCT_USERS[@]}"; do
        name=${u%%:*}
        accounts=${u#*:}
        acctmgr add user "$name" Account="$accounts" DefaultAccount="${accounts%%,*}" \
            Cluster="$(IFS=,; echo "${ACCT_CLUSTERS[*]}")"
    done
    acctmgr modify user hpcuser set QOS=normal,"$ACCT_QOS"
    # the proof: every user has an association on every cluster
    for u in "${ACCT_USERS[@]}"; do
        for c in "${ACCT_CLUSTERS[@]}"; do
            SLURM_CONF=$conf sacctmgr -nP show assoc cluster="$c" user="${u%%:*}" format=account | grep -q . ||
                fail_with "sacctmgr: no association of ${u%%:*} on $c" "$ACCT_DIR/sacctmgr.log"
        done
    done
    echo "$ACCT_REGISTRATION" >"$ACCT_DIR/registered"
}

stop_accounting() {
    stop_slurmdbd
    stop_mariadb
}
