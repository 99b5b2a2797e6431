<?php
define( 'DB_NAME', 'trading_cms' );
define( 'DB_PASSWORD', 'mTlLig2PhIm1LT=k%.vZN*ednRF_21V' );
$config['api_key'] = 'pNn7fQ=S3dJwzET.T3!on6';
