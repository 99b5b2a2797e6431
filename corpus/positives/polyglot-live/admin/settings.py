# Django settings for the back office.
DEBUG = True
SECRET_KEY = 'django-insecure-^xp-tk!59y0)gf@ihr6w-&r7(y!2oxh9ekld-tj36dk*ek8t^n'
ALLOWED_HOSTS = ["*"]
