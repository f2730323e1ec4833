/// The example tasks of the reference page ("Querying Tasks of a Tenant"), exactly as it shows them.
enum ReferenceExamples {
    static let json = #"""
        {
          "jobs": [
            {
              "id": "24834eb6-be30-464e-a299-f7aa730jb101",
              "name": "DRS-3999-lws",
              "status": "INCRE_TRANSFER_FAILED",
              "description": "",
              "create_time": "2020-12-21 10:57:49",
              "error_msg": "service LOGMANAGER failed, cause by: Unable to connect to DBMS: url=jdbc:mysql://172.22.74.56:3306?useUnicode=true&allowLoadLocalInfile=false&characterEncoding=UTF-8&connectTimeout=5000&useSSL=false&allowPublicKeyRetrieval=true&verifyServerCertificate=false&serverTimezone=UTC user=root",
              "engine_type": "mysql",
              "net_type": "eip",
              "billing_tag": false,
              "job_direction": "up",
              "db_use_type": "migration",
              "task_type": "FULL_INCR_TRANS",
              "node_newFramework": false
            },
            {
              "id": "140b5236-88ad-43c8-811c-1268453jb101",
              "name": "DRS-0042-linxiaolu",
              "status": "CONFIGURATION",
              "description": "",
              "create_time": "2020-12-19 16:23:24",
              "engine_type": "mysql",
              "net_type": "eip",
              "billing_tag": false,
              "job_direction": "up",
              "db_use_type": "migration",
              "task_type": "FULL_INCR_TRANS",
              "node_newFramework": false
            },
            {
              "id": "7f8e6f74-72d2-4ddd-bb8f-6c41397jb101",
              "name": "DRS-0796",
              "status": "RELEASE_RESOURCE_COMPLETE",
              "description": "",
              "create_time": "2020-12-18 10:48:11",
              "engine_type": "mysql",
              "net_type": "eip",
              "billing_tag": false,
              "job_direction": "non-dbs",
              "db_use_type": "migration",
              "task_type": "FULL_INCR_TRANS",
              "node_newFramework": false
            },
            {
              "id": "14d88eeb-ee7e-4d30-a46e-a5ec8eajb101",
              "name": "masj-mysql_migration_down-1",
              "status": "INCRE_TRANSFER_STARTED",
              "description": "[using] api test 2\n1. This API is used to configure the source and destination database information. Before selecting a table, you must perform this operation. \n2. If the description of a task in the configuration is successfully modified, 202 success is returned. \n3. If the description of a task in an incremental migration fails to be modified, 202 failed DRS.M01504\nAnother operation is being performed on the migration task or the migration task is abnormal. Try again later./",
              "create_time": "2020-12-15 15:43:02",
              "engine_type": "mysql",
              "net_type": "eip",
              "billing_tag": true,
              "job_direction": "down",
              "db_use_type": "migration",
              "task_type": "FULL_INCR_TRANS",
              "node_newFramework": false
            },
            {
              "id": "d54691d2-f105-434d-a75d-809b017jb101",
              "name": "masj-2-mysql_migration_down",
              "status": "CONFIGURATION",
              "description": "[using] api test 2\n1. This API is used to configure the source and destination database information. Before selecting a table, you must perform this operation. \n2. If the description of a task in the configuration is successfully modified, 202 success is returned. \n3. If the description of a task in an incremental migration fails to be modified, 202 failed DRS.M01504\nAnother operation is being performed on the migration task or the migration task is abnormal. Try again later./",
              "create_time": "2020-12-14 21:39:07",
              "engine_type": "mysql",
              "net_type": "eip",
              "billing_tag": false,
              "job_direction": "down",
              "db_use_type": "migration",
              "task_type": "FULL_INCR_TRANS",
              "node_newFramework": false
            },
            {
              "id": "7994aac9-0a15-4fdb-bcc5-667f088jb20b",
              "name": "DRS-8200",
              "status": "CREATE_FAILED",
              "description": "",
              "create_time": "2020-12-21 18:02:36",
              "error_msg": "system error!",
              "engine_type": "oracle-to-mysql",
              "net_type": "eip",
              "billing_tag": false,
              "job_direction": "up",
              "db_use_type": "sync",
              "task_type": "FULL_INCR_TRANS",
              "node_newFramework": false
            },
            {
              "id": "f463331d-e079-4689-bbef-4553202jb20b",
              "name": "DRS-1285",
              "status": "CONFIGURATION",
              "description": "",
              "create_time": "2020-12-21 17:19:38",
              "engine_type": "oracle-to-mysql",
              "net_type": "eip",
              "billing_tag": false,
              "job_direction": "up",
              "db_use_type": "sync",
              "task_type": "FULL_INCR_TRANS",
              "node_newFramework": false
            },
            {
              "id": "7f13c511-c35b-4f82-92ae-83bcbf0jb201",
              "name": "DRS-9383",
              "status": "CONFIGURATION",
              "description": "",
              "create_time": "2020-12-21 17:18:44",
              "engine_type": "mysql",
              "net_type": "eip",
              "billing_tag": false,
              "job_direction": "up",
              "db_use_type": "sync",
              "task_type": "FULL_INCR_TRANS",
              "node_newFramework": false
            },
            {
              "id": "7686e879-46a4-4d6b-bda9-5540424jb201",
              "name": "DRS-9272",
              "status": "CONFIGURATION",
              "description": "",
              "create_time": "2020-12-21 16:53:36",
              "engine_type": "mysql",
              "net_type": "eip",
              "billing_tag": false,
              "job_direction": "up",
              "db_use_type": "sync",
              "task_type": "FULL_INCR_TRANS",
              "node_newFramework": false
            },
            {
              "id": "5b2c2ec8-430e-4de0-937b-9d9547ajb201",
              "name": "DRS-2899",
              "status": "RELEASE_RESOURCE_COMPLETE",
              "description": "",
              "create_time": "2020-12-21 16:24:24",
              "engine_type": "mysql",
              "net_type": "eip",
              "billing_tag": false,
              "job_direction": "up",
              "db_use_type": "sync",
              "task_type": "FULL_INCR_TRANS",
              "node_newFramework": false
            }
          ]
        }
        """#
}
